import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/features/accounts/accounts.service.ts';
import { hashPassword } from '../../src/features/auth/passwords.ts';
import { addDays, isoWeekday, toLocal } from '../../src/features/scheduling/local-time.ts';
import { dinners } from '../../src/features/scheduling/scheduling.schema.ts';
import { axeInBothLanguages, closeBrowserAndApp, hasChromium, launchBrowserAndApp, screenshots, seriousAxeViolations, SKIP_MESSAGE, type AxeFinding, type RunningApp } from '../support/browser.ts';

if (!hasChromium) console.warn(SKIP_MESSAGE);

const ORGANISER = { email: 'sanne.organiser@test.example', password: 'organiser passphrase 2030', name: 'Sanne Organiser' };

/** True when the page is no wider than the viewport (nothing to scroll sideways on a phone). */
async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
    return doc.documentElement.scrollWidth <= doc.documentElement.clientWidth + 1;
  });
}

describe.skipIf(!hasChromium)('journey: an organiser adds a venue and plans a fortnightly series on a phone; a resident finds it', () => {
  let browser: Browser;
  let app: RunningApp;
  beforeAll(async () => {
    ({ browser, app } = await launchBrowserAndApp());
    createUser(app.db, { email: ORGANISER.email, name: ORGANISER.name, roles: ['organiser'], locale: 'nl', passwordHash: await hashPassword(ORGANISER.password) }, new Date());
  });
  afterAll(() => closeBrowserAndApp({ browser, app }));

  it('works at 375 px, every page passes axe, and the public page shows the dinner', { timeout: 180_000 }, async () => {
    const findings: AxeFinding[] = [];
    const narrow: string[] = [];
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    const check = async (label: string, bothLanguages = true) => {
      findings.push(...(bothLanguages ? await axeInBothLanguages(page, app.baseUrl, label) : await seriousAxeViolations(page, label)));
      if (!(await fitsWidth(page))) narrow.push(label);
    };

    await page.goto(`${app.baseUrl}/login`);
    await page.fill('#field-email', ORGANISER.email);
    await page.fill('#field-password', ORGANISER.password);
    await Promise.all([page.waitForURL(`${app.baseUrl}/`), page.click('main button[type=submit]')]);

    await page.goto(`${app.baseUrl}/venues/new`);
    await check('venue form');
    await page.fill('#field-name', 'Buurthuis De Linde');
    await page.fill('#field-address', 'Lindenlaan 12');
    await page.fill('#field-postcode', '3531ab');
    await page.fill('#field-neighbourhood', 'Oost');
    await page.fill('#field-capacity', '40');
    await page.fill('#field-tableLabel-1', 'Raam');
    await page.fill('#field-tableSeats-1', '8');
    await page.selectOption('#field-tableAccessible-1', 'yes');
    for (const weekday of [1, 2, 3, 4, 5, 6, 7]) await page.fill(`#field-hours${weekday}`, '16:00-23:00');
    await Promise.all([page.waitForURL(/\/venues\/\d+$/), page.click('form.venue-form button[type=submit]')]);
    await check('venue page');

    const today = toLocal(new Date(), 'Europe/Amsterdam').date;
    const firstSaturday = addDays(addDays(today, 7), (6 - isoWeekday(addDays(today, 7)) + 7) % 7);
    await page.goto(`${app.baseUrl}/agenda/dinners/new`);
    await check('new dinner form');
    await page.fill('#field-title', 'Aanschuiven in De Linde');
    await page.fill('#field-theme', 'De nieuwe speeltuin');
    await page.check('#diet-halal');
    await page.selectOption('#field-venueId', { label: 'Buurthuis De Linde (Oost, 40 plaatsen)' });
    await page.fill('#field-date', firstSaturday);
    await page.fill('#field-startTime', '18:00');
    await page.fill('#field-endTime', '21:00');
    await page.check('#repeat-weekly');
    await page.selectOption('#field-intervalWeeks', '2');
    await page.check('#endType-count');
    await page.fill('#field-count', '3');
    await page.selectOption('#field-status', 'published');
    await Promise.all([page.waitForURL(/\/agenda\/dinners\/\d+$/), page.click('button[name=intent][value=save]')]);
    await check('dinner manage page');
    expect(app.db.select().from(dinners).all()).toHaveLength(3);

    await page.goto(`${app.baseUrl}/agenda?view=month&date=${firstSaturday}`);
    await check('month agenda');
    await page.goto(`${app.baseUrl}/agenda?view=week&date=${firstSaturday}`);
    await check('week agenda');
    await page.goto(`${app.baseUrl}/venues/find`);
    await page.click('form.find-form button[type=submit]');
    await page.waitForLoadState();
    await check('find a venue');
    await screenshots(page, 'scheduling-agenda');

    const resident = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const publicPage = await resident.newPage();
    await publicPage.goto(`${app.baseUrl}/`);
    const firstCard = publicPage.locator('.dinner-card a').first();
    expect(await firstCard.textContent()).toBe('Aanschuiven in De Linde');
    findings.push(...(await seriousAxeViolations(publicPage, 'home (nl)')));
    await Promise.all([publicPage.waitForURL(/\/dinners\/\d+$/), firstCard.click()]);
    findings.push(...(await seriousAxeViolations(publicPage, 'public dinner page (nl)')));
    if (!(await fitsWidth(publicPage))) narrow.push('public dinner page');
    await resident.addCookies([{ name: 'lang', value: 'ar', url: app.baseUrl }]);
    await publicPage.reload();
    expect(await publicPage.locator('html').getAttribute('dir')).toBe('rtl');
    findings.push(...(await seriousAxeViolations(publicPage, 'public dinner page (ar)')));
    await screenshots(publicPage, 'scheduling-public-dinner-ar');

    expect(findings).toEqual([]);
    expect(narrow).toEqual([]);
    await context.close();
    await resident.close();
  });
});
