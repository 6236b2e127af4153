import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatrixContext } from '../authz-matrix.ts';
import { createSession } from '../../src/features/auth/sessions.service.ts';
import { axeInBothLanguages, closeBrowserAndApp, controlsUnreachableByTab, hasChromium, launchBrowserAndApp, SKIP_MESSAGE, type RunningApp } from '../support/browser.ts';
import { allowedActor, entryFor, inventory, pathFor } from '../support/matrix.ts';
import { buildActors } from '../support/security.ts';

if (!hasChromium) console.warn(SKIP_MESSAGE);
// Two to four minutes of Chromium on two cores: part of `npm run test:soak` (SOAK=1), not of every push.
const enabled = hasChromium && Boolean(process.env.SOAK);

// Every HTML page the router serves, as the role the authorisation matrix lets in: a new page is
// checked by axe, in Dutch and English, the day its route lands, without a journey of its own.
// Feeds, downloads and the sandboxed mail preview are not pages; a route answering anything other
// than an HTML 200 (a redirect, a 404 for a missing row) is reported as skipped, not passed.
const NOT_PAGES = /\.(ics|csv|xlsx|json)$|^\/healthz$|\/html$/;
const pages = inventory().filter((route) => route.method === 'GET' && entryFor(route) && !NOT_PAGES.test(route.path));

describe.skipIf(!enabled)('accessibility of every page (axe, nl and en; runs with SOAK=1)', () => {
  let browser: Browser;
  let app: RunningApp;
  let ctx: MatrixContext;
  beforeAll(async () => {
    ({ browser, app } = await launchBrowserAndApp());
    ctx = { db: app.db, mailer: app.mailer, now: new Date(), actors: await buildActors(app.db) };
  });
  afterAll(() => closeBrowserAndApp({ browser, app }));

  for (const route of pages) {
    it(`${route.key} has no serious or critical axe violation and every form control is reachable by Tab`, { timeout: 30_000 }, async () => {
      const actor = allowedActor(route) ?? 'admin';
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      if (actor !== 'anonymous') {
        await context.addCookies([{ name: 'sid', value: createSession(app.db, ctx.actors[actor].id, new Date()), url: app.baseUrl }]);
      }
      const page = await context.newPage();

      const response = await page.goto(`${app.baseUrl}${await pathFor(route, ctx)}`);
      const isPage = response?.status() === 200 && /text\/html/.test(response.headers()['content-type'] ?? '');
      const findings = isPage ? await axeInBothLanguages(page, app.baseUrl, route.key) : [];
      const unreachable = isPage ? await controlsUnreachableByTab(page) : [];
      await context.close();

      if (!isPage) console.info(`a11y: ${route.key} skipped (answered ${response?.status()} ${response?.headers()['content-type']})`);
      expect(findings).toEqual([]);
      expect(unreachable, 'form controls Tab never reaches').toEqual([]);
    });
  }
});
