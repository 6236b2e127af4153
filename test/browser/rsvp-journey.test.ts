import crypto from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { residents } from '../../src/features/residents/residents.schema.ts';
import { inviteAudience } from '../../src/features/rsvp/rsvp-admin.service.ts';
import { dinners, venues } from '../../src/features/scheduling/scheduling.schema.ts';
import { createUser } from '../../src/features/accounts/accounts.service.ts';
import { closeBrowserAndApp, hasChromium, launchBrowserAndApp, seriousAxeViolations, SKIP_MESSAGE, type AxeFinding, type RunningApp } from '../support/browser.ts';

if (!hasChromium) console.warn(SKIP_MESSAGE);

async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
    return doc.documentElement.scrollWidth <= doc.documentElement.clientWidth + 1;
  });
}

describe.skipIf(!hasChromium)('journey: a resident answers an invitation on a 320 px phone without JavaScript', () => {
  let browser: Browser;
  let app: RunningApp;
  beforeAll(async () => {
    ({ browser, app } = await launchBrowserAndApp());
  });
  afterAll(() => closeBrowserAndApp({ browser, app }));

  it('reads the mailed invitation, says yes for three, gets a confirmation with a calendar entry, all in Arabic right to left', { timeout: 120_000 }, async () => {
    const now = new Date();
    const startsAt = new Date(now.getTime() + 10 * 86_400_000);
    const venue = app.db.insert(venues).values({ name: 'Buurthuis De Linde', address: 'Lindelaan 1', postcode: '3512 AB', neighbourhood: 'Oost', capacity: 40, createdAt: now, updatedAt: now }).returning().get();
    const dinner = app.db
      .insert(dinners)
      .values({ uid: `${crypto.randomUUID()}@test`, venueId: venue.id, title: 'Soep uit alle landen', startsAt, endsAt: new Date(startsAt.getTime() + 3 * 3600_000), localDate: '2099-01-01', capacity: 20, rsvpDeadline: new Date(startsAt.getTime() - 86_400_000), status: 'published', visibility: 'public', createdAt: now, updatedAt: now })
      .returning()
      .get();
    app.db.insert(residents).values({ name: 'Samira Haddad', email: 'samira@test.example', locale: 'ar', neighbourhood: 'Oost', adults: 2, children: 1, createdAt: now, updatedAt: now }).run();
    const organiser = createUser(app.db, { email: 'org@test.example', name: 'Org', roles: ['organiser'], locale: 'nl' }, now);
    inviteAudience(app.db, app.mailer, { baseUrl: app.baseUrl, timeZone: 'Europe/Amsterdam' }, dinner.id, { kind: 'neighbourhood', value: 'Oost', neverCameFirst: false, limit: null }, organiser.id, now);

    const invitation = await app.waitForMail('samira@test.example');
    const link = /https?:\/\/[^\s"]+\/r\/[A-Za-z0-9_-]{43}/.exec(invitation.parsed.text ?? '')![0];
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled: false });
    const page = await context.newPage();
    const findings: AxeFinding[] = [];

    await page.goto(link);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await fitsWidth(page)).toBe(true);
    const yes = page.locator('label[for="answer-yes"]');
    const box = await yes.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await yes.click();
    await page.fill('#field-people', '3');
    await page.click('button[type="submit"]:has-text("أرسل جوابي")');
    await page.waitForURL(link);
    const status = await page.textContent('.status-box');
    expect(await fitsWidth(page)).toBe(true);
    await context.close();
    // axe needs scripts: the same page once more with JavaScript on.
    const axeContext = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const axePage = await axeContext.newPage();
    await axePage.goto(link);
    findings.push(...(await seriousAxeViolations(axePage, 'resident answer page (ar, 320 px)')));
    await axeContext.close();

    expect(status).toContain('3');
    const confirmation = await app.waitForMail('samira@test.example', 10_000).then(async () => {
      for (let i = 0; i < 100; i += 1) {
        const mail = app.smtp.received.find((m) => m.parsed.attachments.some((a) => a.filename === 'aanschuiftafel.ics'));
        if (mail) return mail;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error('no confirmation mail with a calendar file');
    });
    expect(confirmation.parsed.subject).toContain('لديك مكان');
    const ics = confirmation.parsed.attachments.find((a) => a.filename === 'aanschuiftafel.ics')!.content.toString('utf8');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
    expect(event.uid).toBe(dinner.uid);
    expect(event.startDate.toJSDate().getTime()).toBe(startsAt.getTime() - (startsAt.getTime() % 1000));
    expect(findings).toEqual([]);
  });
});
