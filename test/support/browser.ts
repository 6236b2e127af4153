import { AxeBuilder } from '@axe-core/playwright';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import { openDatabase, type Db } from '../../src/db/client.ts';
import { createMailRenderer } from '../../src/features/mail/mail-renderer.ts';
import { createMailer, type Mailer } from '../../src/features/mail/outbox.service.ts';
import { createOutboxWorker } from '../../src/features/mail/outbox-worker.ts';
import { createI18n } from '../../src/i18n/i18n.ts';
import { paths } from '../../src/paths.ts';
import { testConfig } from './app.ts';
import { startSmtpServer, type ReceivedMail, type TestSmtpServer } from './smtp.ts';

/** Debian's Chromium: CI installs it (.ci/run); playwright's own download is unreachable here. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM_PATH);
export const SKIP_MESSAGE = `Browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install -y chromium; CI installs it).`;

export const SCREENSHOT_DIR = path.join(paths.root, 'test-output', 'screenshots');

/** One headless Chromium per test file; each journey step gets its own context (a fresh profile). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

export type RunningApp = {
  baseUrl: string;
  db: Db;
  mailer: Mailer;
  smtp: TestSmtpServer;
  config: Config;
  /** Waits until the SMTP server has received a mail for this address (the outbox worker delivers it). */
  waitForMail(to: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
};

/**
 * The whole app as in production, on 127.0.0.1 with a port the OS picks: a database file in a
 * temp folder, a real SMTP server in-process, and the outbox worker delivering to it over SMTP.
 */
export async function startApp(overrides: Partial<Config> = {}): Promise<RunningApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aanschuiftafel-browser-'));
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const smtp = await startSmtpServer();
  const config = testConfig({
    baseUrl,
    databasePath: path.join(dir, 'app.sqlite'),
    smtpUrl: `smtp://${smtp.host}:${smtp.port}`,
    ...overrides,
  });
  const db = openDatabase(config.databasePath);
  const now = () => new Date();
  const i18n = createI18n();
  const mailer = createMailer(baseUrl);
  const worker = createOutboxWorker({
    db,
    renderMail: createMailRenderer({ i18n, baseUrl, cache: true }),
    transport: nodemailer.createTransport(smtp.transportOptions()),
    from: config.mailFrom,
    now,
    pollMs: 50,
    log: () => {},
  });
  server.on('request', createApp({ db, config, now, i18n, mailer }));
  worker.start();

  return {
    baseUrl,
    db,
    mailer,
    smtp,
    config,
    async waitForMail(to, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = smtp.received.find((m) => m.envelope.to.includes(to));
        if (mail) return mail;
        if (Date.now() > deadline) throw new Error(`No mail for ${to} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      await worker.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await smtp.close();
      db.$client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Chromium and the whole app, for the tests of one file: start them in beforeAll, close them in afterAll. */
export async function launchBrowserAndApp(overrides: Partial<Config> = {}): Promise<{ browser: Browser; app: RunningApp }> {
  return { browser: await launchBrowser(), app: await startApp(overrides) };
}

/** Closes what launchBrowserAndApp started; either may be missing when starting failed. */
export async function closeBrowserAndApp(running: { browser?: Browser; app?: RunningApp }): Promise<void> {
  await running.browser?.close();
  await running.app?.close();
}

/** Saves the page at phone (375 px) and desktop (1280 px) width under test-output/screenshots/. */
export async function screenshots(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize();
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

export type AxeFinding = { page: string; rule: string; impact: string; targets: string[] };

/**
 * axe-core on the page as it is: only serious and critical violations are returned. Sandboxed
 * frames (the mail preview) run no scripts, so axe cannot enter them and would wait for a timeout.
 */
export async function seriousAxeViolations(page: Page, label: string): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page }).exclude('iframe[sandbox]').analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ page: label, rule: v.id, impact: v.impact ?? '', targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/**
 * Runs axe on the current page in Dutch and in English (the staff languages) by switching the
 * language cookie and reloading, then goes back to the language the page had.
 */
export async function axeInBothLanguages(page: Page, baseUrl: string, label: string): Promise<AxeFinding[]> {
  const findings: AxeFinding[] = [];
  const original = (await page.locator('html').getAttribute('lang')) ?? 'nl';
  findings.push(...(await seriousAxeViolations(page, `${label} (${original})`)));
  const other = original === 'nl' ? 'en' : 'nl';
  await page.context().addCookies([{ name: 'lang', value: other, url: baseUrl }]);
  await page.reload();
  findings.push(...(await seriousAxeViolations(page, `${label} (${other})`)));
  await page.context().addCookies([{ name: 'lang', value: original, url: baseUrl }]);
  await page.reload();
  return findings;
}

type FocusedDocument = { activeElement: { matches(selector: string): boolean } | null };

/**
 * Presses Tab until the element matching `selector` has focus: proof that keyboard users reach
 * it in the tab order. Fails after `maxTabs` presses.
 */
export async function tabTo(page: Page, selector: string, maxTabs = 40): Promise<void> {
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    // Runs in the page; the project's TypeScript has no DOM types, so the document is typed here.
    const reached = await page.evaluate(
      (sel) => (globalThis as unknown as { document: FocusedDocument }).document.activeElement?.matches(sel) ?? false,
      selector,
    );
    if (reached) return;
  }
  throw new Error(`Tab never reached ${selector} within ${maxTabs} presses`);
}

/**
 * Walks the page with Tab and returns the form controls it never reached (visible inputs,
 * selects, textareas and buttons inside forms): each must be usable by keyboard alone.
 */
export async function controlsUnreachableByTab(page: Page): Promise<string[]> {
  // Plain JavaScript strings: they run in the page, and the project's TypeScript has no DOM types.
  const total = await page.evaluate(`(() => {
    const controls = [...document.querySelectorAll('form input:not([type=hidden]), form select, form textarea, form button')]
      // Hidden controls don't count, nor those in a closed <details>: its <summary> is the Tab stop.
      .filter((el) => el.checkVisibility({ checkVisibilityCSS: true }) && !el.disabled && !el.closest('details:not([open])'));
    controls.forEach((el, i) => el.setAttribute('data-tab-probe', String(i)));
    return controls.length;
  })()`) as number;
  // Enough presses to pass every focusable element (links included) once, plus some slack.
  const focusable = await page.evaluate(`document.querySelectorAll('a[href], button, input, select, textarea, summary, iframe, [tabindex]').length`) as number;
  const reached = new Set<string>();
  await page.evaluate(`document.activeElement && document.activeElement.blur()`);
  for (let i = 0; i < focusable + 20 && reached.size < total; i++) {
    await page.keyboard.press('Tab');
    const probe = await page.evaluate(`document.activeElement && document.activeElement.getAttribute('data-tab-probe')`) as string | null;
    if (probe !== null) reached.add(probe);
  }
  // A radio group is one Tab stop (arrow keys move inside it): reaching one radio reaches the group.
  return page.evaluate(`(() => {
    const reached = ${JSON.stringify([...reached])};
    const probes = [...document.querySelectorAll('[data-tab-probe]')];
    const isReached = (el) => reached.includes(el.getAttribute('data-tab-probe'));
    const groups = new Set(probes.filter((el) => el.type === 'radio' && isReached(el)).map((el) => el.name));
    return probes
      .filter((el) => !isReached(el) && !(el.type === 'radio' && groups.has(el.name)))
      .map((el) => el.outerHTML.slice(0, 120));
  })()`) as Promise<string[]>;
}
