import type { Browser } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/features/accounts/accounts.service.ts';
import { hashPassword } from '../../src/features/auth/passwords.ts';
import { seatingPlans, tableSeats } from '../../src/features/matching/seating.schema.ts';
import { axeInBothLanguages, closeBrowserAndApp, hasChromium, launchBrowserAndApp, screenshots, SKIP_MESSAGE, type AxeFinding, type RunningApp } from '../support/browser.ts';
import { buildConfirmedGuest, buildVenueTables } from '../support/matching-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';

if (!hasChromium) console.warn(SKIP_MESSAGE);

const ORGANISER = { email: 'tafelplan@test.example', password: 'table plan passphrase', name: 'Olga Organisator' };

describe.skipIf(!hasChromium)('journey: an organiser makes, adjusts and locks a table plan on a phone', () => {
  let browser: Browser;
  let app: RunningApp;
  beforeAll(async () => {
    ({ browser, app } = await launchBrowserAndApp());
    createUser(app.db, { email: ORGANISER.email, name: ORGANISER.name, roles: ['organiser'], locale: 'nl', passwordHash: await hashPassword(ORGANISER.password) }, new Date());
  });
  afterAll(() => closeBrowserAndApp({ browser, app }));

  it('works with plain forms, mails the table, and the plan pages pass axe', { timeout: 120_000 }, async () => {
    const dinner = buildDinner(app.db, { minTableSize: 2, startsAt: new Date(Date.now() + 7 * 24 * 60 * 60_000) });
    const tables = buildVenueTables(app.db, dinner, [{ seats: 6, label: 'Linde', accessible: true }, { seats: 6, label: 'Eik' }]);
    const guests = Array.from({ length: 6 }, (_, i) => buildConfirmedGuest(app.db, dinner, { name: `Buur ${i + 1}`, background: i % 2 ? 'dutch' : 'turkish', diets: i === 0 ? ['halal'] : undefined }));
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('#field-email', ORGANISER.email);
    await page.fill('#field-password', ORGANISER.password);
    await Promise.all([page.waitForURL(`${app.baseUrl}/`), page.click('button[type="submit"]:has-text("Inloggen")')]);

    await page.click('a[href="/matching"]');
    await page.click(`a[href="/agenda/dinners/${dinner.id}/plan"]`);
    await page.click('button:has-text("Maak een tafelschikking")');
    await expect.poll(() => page.locator('.plan-table').count()).toBeGreaterThan(0);

    const first = guests[0]!;
    const current = JSON.parse(app.db.select().from(seatingPlans).get()!.plan) as { tables: { id: string; parties: string[] }[] };
    const from = current.tables.find((t) => t.parties.includes(`h${first.rsvpId}`))!.id;
    const target = tables.find((t) => `t${t.id}` !== from)!;
    await page.selectOption(`#move-${first.rsvpId}`, String(target.id));
    await page.click(`form:has(#move-${first.rsvpId}) button`);
    await expect.poll(() => page.locator('.flash').textContent()).toContain('verplaatst');

    const findings: AxeFinding[] = [];
    await screenshots(page, 'matching-plan');
    findings.push(...(await axeInBothLanguages(page, app.baseUrl, 'table plan')));

    await page.check('#field-notify');
    await page.click('button:has-text("Zet de schikking vast")');
    await expect.poll(() => page.locator('.flash').textContent()).toContain('vastgezet');
    expect(app.db.select().from(tableSeats).where(eq(tableSeats.dinnerId, dinner.id)).all()).toHaveLength(6);
    expect(app.db.select().from(tableSeats).where(eq(tableSeats.residentId, first.resident.id)).get()!.venueTableId).toBe(target.id);
    const mail = await app.waitForMail(first.resident.email!);
    expect(mail.parsed.subject).toContain(target.label);

    for (const [path, label] of [['/plan/print', 'printed plan'], ['/plan/place-cards', 'place cards'], ['/plan/kitchen', 'kitchen sheet']] as const) {
      await page.goto(`${app.baseUrl}/agenda/dinners/${dinner.id}${path}`);
      await screenshots(page, `matching-${label.replace(' ', '-')}`);
      findings.push(...(await axeInBothLanguages(page, app.baseUrl, label)));
    }
    expect(findings).toEqual([]);
  });
});
