import { and, eq } from 'drizzle-orm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../src/db/schema.ts';
import { rsvps } from '../../src/features/rsvp/rsvp.schema.ts';
import { closeBrowserAndApp, hasChromium, launchBrowserAndApp, SKIP_MESSAGE, type RunningApp } from '../support/browser.ts';
import { buildDinner, buildResident, personalLink } from '../support/rsvp-builders.ts';
import { composeMail } from '../support/mail.ts';

if (!hasChromium) console.warn(SKIP_MESSAGE);

describe.skipIf(!hasChromium)('a resident who double-clicks', () => {
  let browser: Browser;
  let app: RunningApp;
  beforeAll(async () => {
    ({ browser, app } = await launchBrowserAndApp());
  });
  afterAll(() => closeBrowserAndApp({ browser, app }));

  it('cancels once on a slow connection and lands on their answer page, not on the dead-link page', { timeout: 60_000 }, async () => {
    const now = new Date();
    const dinner = buildDinner(app.db, { startsAt: new Date(now.getTime() + 7 * 86_400_000), endsAt: new Date(now.getTime() + 7 * 86_400_000 + 3 * 3600_000), rsvpDeadline: new Date(now.getTime() + 5 * 86_400_000) });
    const resident = buildResident(app.db, { email: 'dubbel@test.example', locale: 'nl' });
    const link = personalLink(app.db, resident.id, dinner, now);
    const page = await browser.newPage();
    await page.goto(`${app.baseUrl}${link}`);
    await page.click(`form[action="${link}"] button[type="submit"]`);
    await page.waitForSelector(`form[action$="/cancel"]`);

    // A phone on a slow connection: the answer reaches the server at once, but its reply takes a
    // while, and the resident clicks again meanwhile.
    await page.route('**/cancel', async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.fulfill({ response }).catch(() => {});
    });
    const before = page.url();
    // Two clicks 150 ms apart, from inside the page (Playwright itself would wait for the first navigation).
    await page.evaluate(`(async () => {
      const button = document.querySelector('form[action$="/cancel"] button');
      button.click();
      await new Promise((resolve) => setTimeout(resolve, 150));
      button.click();
    })()`);
    await page.waitForURL((url) => url.href !== before);
    await page.waitForLoadState('load');

    expect(page.url()).toMatch(/\/r\/[A-Za-z0-9_-]{43}$/);
    expect(await page.title()).not.toMatch(/410/);
    const answer = app.db.select().from(rsvps).where(and(eq(rsvps.dinnerId, dinner.id), eq(rsvps.residentId, resident.id))).get();
    expect(answer?.status).toBe('cancelled');
    expect(composeMail(app.db).select().from(outbox).where(eq(outbox.template, 'rsvp-cancelled')).all()).toHaveLength(1);
    await page.close();
  });
});
