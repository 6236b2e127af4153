import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/features/accounts/accounts.service.ts';
import { hashPassword } from '../../src/features/auth/passwords.ts';
import {
  axeInBothLanguages,
  closeBrowserAndApp,
  hasChromium,
  launchBrowserAndApp,
  screenshots,
  SKIP_MESSAGE,
  tabTo,
  type AxeFinding,
  type RunningApp,
} from '../support/browser.ts';
import { XSS_PAYLOADS } from '../support/xss.ts';

if (!hasChromium) console.warn(SKIP_MESSAGE);

const ADMIN = { email: 'amira.admin@test.example', password: 'admin passphrase 2030', name: 'Amira Admin' };
const ORGANISER = { email: 'olaf.organiser@test.example', password: 'organiser passphrase 2030', name: 'Olaf Organiser' };

/** Fills a form the way a keyboard user does: Tab to each field, type, and Enter to submit. */
async function typeInto(page: Page, selector: string, text: string): Promise<void> {
  await tabTo(page, selector);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

async function signInByKeyboard(page: Page, baseUrl: string, account: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await typeInto(page, '#field-email', account.email);
  await typeInto(page, '#field-password', account.password);
  await Promise.all([page.waitForURL(`${baseUrl}/`), page.keyboard.press('Enter')]);
}

describe.skipIf(!hasChromium)('journey 0: an admin invites an organiser, who joins, switches to English and signs out', () => {
  let browser: Browser;
  let app: RunningApp;
  beforeAll(async () => {
    ({ browser, app } = await launchBrowserAndApp());
    createUser(app.db, { email: ADMIN.email, name: ADMIN.name, roles: ['admin'], locale: 'nl', passwordHash: await hashPassword(ADMIN.password) }, new Date());
  });
  afterAll(() => closeBrowserAndApp({ browser, app }));

  it('works end to end by keyboard, with the real invitation mail, and every page passes axe in Dutch and English', { timeout: 120_000 }, async () => {
    const findings: AxeFinding[] = [];
    const visit = async (page: Page, label: string) => {
      await screenshots(page, label);
      findings.push(...(await axeInBothLanguages(page, app.baseUrl, label)));
    };

    // The admin signs in and invites an organiser, by keyboard only.
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    await admin.goto(`${app.baseUrl}/login`);
    await visit(admin, 'j0-01-login');
    await signInByKeyboard(admin, app.baseUrl, ADMIN);
    await expect.poll(() => admin.locator('.site-nav__user').textContent()).toBe(ADMIN.name);
    await visit(admin, 'j0-02-home-admin');

    await admin.goto(`${app.baseUrl}/admin/users`);
    await visit(admin, 'j0-03-accounts');
    await tabTo(admin, 'a[href="/admin/users/new"]');
    await Promise.all([admin.waitForURL(`${app.baseUrl}/admin/users/new`), admin.keyboard.press('Enter')]);
    await visit(admin, 'j0-04-invite-form');
    await typeInto(admin, '#field-name', ORGANISER.name);
    await typeInto(admin, '#field-email', ORGANISER.email);
    await tabTo(admin, '#field-locale');
    await tabTo(admin, '#role-organiser');
    await admin.keyboard.press('Space');
    await tabTo(admin, 'button[type="submit"]');
    await Promise.all([admin.waitForURL(`${app.baseUrl}/admin/users`), admin.keyboard.press('Enter')]);
    await expect.poll(() => admin.locator('.flash').textContent()).toContain(ORGANISER.email);
    await visit(admin, 'j0-05-accounts-after-invite');
    await admin.goto(`${app.baseUrl}/admin/mail`);
    await visit(admin, 'j0-06-mailbox');
    await adminContext.close();

    // The organiser opens the link from the mail that really arrived over SMTP, on a fresh profile.
    const mail = await app.waitForMail(ORGANISER.email);
    const link = /https?:\/\/\S+\/invitation\/[A-Za-z0-9_-]{43}/.exec(mail.parsed.text ?? '')?.[0];
    expect(link, 'invitation link in the text part').toBeDefined();
    expect(mail.parsed.html).toContain(link!);
    const organiserContext = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const organiser = await organiserContext.newPage();
    await organiser.goto(link!);
    await visit(organiser, 'j0-07-invitation');
    await expect.poll(() => organiser.locator('#field-name').inputValue()).toBe(ORGANISER.name);
    await typeInto(organiser, '#field-password', ORGANISER.password);
    await typeInto(organiser, '#field-confirm', ORGANISER.password);
    await Promise.all([organiser.waitForURL(`${app.baseUrl}/login`), organiser.keyboard.press('Enter')]);
    await expect(organiser.locator('.flash').textContent()).resolves.toBeTruthy();
    await visit(organiser, 'j0-08-login-after-invitation');

    // Signs in, switches to English with the keyboard, and signs out.
    await signInByKeyboard(organiser, app.baseUrl, ORGANISER);
    await visit(organiser, 'j0-09-home-organiser');
    await tabTo(organiser, 'a[hreflang="en"]');
    await Promise.all([organiser.waitForURL(`${app.baseUrl}/`), organiser.keyboard.press('Enter')]);
    await expect.poll(() => organiser.locator('html').getAttribute('lang')).toBe('en');
    await visit(organiser, 'j0-10-home-organiser-english');
    await tabTo(organiser, '.site-nav__account button[type="submit"]');
    await Promise.all([organiser.waitForURL(`${app.baseUrl}/`), organiser.keyboard.press('Enter')]);
    await expect.poll(() => organiser.locator('.site-nav__user').count()).toBe(0);
    expect(await organiser.locator('html').getAttribute('lang')).toBe('en');
    await visit(organiser, 'j0-11-signed-out-english');
    await organiserContext.close();

    expect(findings).toEqual([]);
  });

  it('builds no element and opens no dialog from the XSS corpus in real Chromium on the accounts list', { timeout: 60_000 }, async () => {
    const marker = 'xss-dom';
    for (const [n, payload] of XSS_PAYLOADS.entries()) {
      createUser(app.db, { email: `${marker}-${n}@test.example`, name: payload, roles: ['staff'], locale: 'nl' }, new Date());
    }
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signInByKeyboard(page, app.baseUrl, ADMIN);

    await page.goto(`${app.baseUrl}/admin/users`);
    const onList = await page.locator('[data-xss-canary]').count();
    const listedNames = await page.locator('tbody td:first-child a').allTextContents();

    expect(onList).toBe(0);
    expect(listedNames).toEqual(expect.arrayContaining([XSS_PAYLOADS[0]!.trim()]));
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
