import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/features/accounts/accounts.service.ts';
import { hashPassword } from '../../src/features/auth/passwords.ts';
import { notes } from '../../src/features/notes/notes.schema.ts';
import { axeInBothLanguages, closeBrowserAndApp, hasChromium, launchBrowserAndApp, screenshots, SKIP_MESSAGE, type AxeFinding, type RunningApp } from '../support/browser.ts';
import { buildNote } from '../support/notes-builders.ts';
import { buildDinner } from '../support/rsvp-builders.ts';

if (!hasChromium) console.warn(SKIP_MESSAGE);

const HOST = { email: 'tafelhost@test.example', password: 'table host passphrase', name: 'Tara Tafelhost' };

describe.skipIf(!hasChromium)('journey: a table host writes several notes in a row on a phone', () => {
  let browser: Browser;
  let app: RunningApp;
  beforeAll(async () => {
    ({ browser, app } = await launchBrowserAndApp());
    createUser(app.db, { email: HOST.email, name: HOST.name, roles: ['organiser', 'staff'], locale: 'nl', passwordHash: await hashPassword(HOST.password) }, new Date());
  });
  afterAll(() => closeBrowserAndApp({ browser, app }));

  it('saves each note in the background, keeps the page, and the notes pages pass axe', { timeout: 120_000 }, async () => {
    const dinner = buildDinner(app.db);
    buildNote(app.db, dinner, { body: 'Een publiek idee over de speeltuin', isPublic: true, status: 'planned', publicAnswer: 'Komt in mei' });
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/login`);
    await page.fill('#field-email', HOST.email);
    await page.fill('#field-password', HOST.password);
    await Promise.all([page.waitForURL(`${app.baseUrl}/`), page.click('button[type="submit"]:has-text("Inloggen")')]);
    const captureUrl = `${app.baseUrl}/notes/dinners/${dinner.id}`;
    await page.goto(captureUrl);

    for (const text of ['Meer bankjes bij de speeltuin', 'Het trappenhuis is vaak vies']) {
      await page.check('input[name="kind"][value="idea"]');
      await page.fill('#field-body', text);
      await page.check('input[name="themes"][value="play"]');
      await page.click('button:has-text("Notitie opslaan")');
      await expect.poll(() => page.locator('[data-fast-notes-status]').textContent()).toContain('opgeslagen');
      expect(await page.inputValue('#field-body')).toBe('');
    }

    expect(page.url()).toBe(captureUrl);
    expect(await page.locator('[data-fast-notes-list] li').count()).toBe(3);
    expect(app.db.select().from(notes).all()).toHaveLength(3);

    const findings: AxeFinding[] = [];
    await screenshots(page, 'notes-capture');
    findings.push(...(await axeInBothLanguages(page, app.baseUrl, 'notes capture')));
    for (const [path, label] of [['/notes', 'notes list'], [`/notes/${app.db.select().from(notes).get()!.id}`, 'notes detail'], ['/ideas/n/Oost', 'public ideas']] as const) {
      await page.goto(`${app.baseUrl}${path}`);
      await screenshots(page, `notes-${label.replace(' ', '-')}`);
      findings.push(...(await axeInBothLanguages(page, app.baseUrl, label)));
    }
    expect(findings).toEqual([]);
    await context.close();
  });
});
