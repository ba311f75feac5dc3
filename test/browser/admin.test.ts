import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/gateway/index.js';
import { launchChromium } from '../support/browser.js';
import { SCREEN_SIZES, checkScreenLanguages } from '../support/screen-checks.js';
import { openHarness, type Harness } from '../gateway/harness.js';

/**
 * Issue 15, Dispatch/admin: the admin screen (users, the audit log with purpose and reason, the verify
 * button and its result) in Debian's Chromium, at every size (an admin opens any page on a laptop),
 * in both languages: no overlaps, no overflow, no sideways scroll, no serious axe-core violation.
 */
describe('the admin screen in the browser', () => {
  let h: Harness;
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    h = await openHarness('hospital', { displayName: 'デモ病院 救急外来' });
    server = await startServer(h.gateway.app, { host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
    for (const id of ['nurse-a', 'nurse-b']) await h.issue(id, 'triage');
    await h.issue('admin-a', 'admin');
    const entry = (reason: string | null, purpose: 'consent' | 'emergency-exception' | null) =>
      h.gateway.audit.record({
        role: 'triage',
        userId: 'nurse-a',
        device: 'hospital-test',
        action: 'read',
        subject: { kind: 'report', id: '7d0f3c1e-5b7a-4a52-9a57-0f7f1a0d2c11' },
        purpose,
        reason,
        outcome: 'success',
      });
    entry('unconscious', 'emergency-exception');
    entry(null, 'consent');
    entry('pre-arrival-triage', 'emergency-exception');
  });
  afterAll(async () => {
    await browser.close();
    await server.close();
    h.gateway.close();
  });

  it(
    'the screen, then the verification result, at every size in both languages',
    { timeout: 120_000 },
    async () => {
      // A laptop's screen; checkScreenLanguages turns it to the other sizes.
      const context = await browser.newContext({ viewport: SCREEN_SIZES.landscape });
      const session = h.session('admin');
      await context.addCookies(
        session.cookie.split('; ').map((pair) => {
          const [name = '', value = ''] = pair.split('=');
          return { name, value, url: server.url };
        }),
      );
      const page = await context.newPage();
      await page.goto(`${server.url}/?lang=ja`);
      await page.waitForSelector('[data-live][data-state=up]');
      expect(await page.$$('[data-audit] tr[data-seq]')).not.toHaveLength(0);
      await checkScreenLanguages(page, 'admin', {
        lang: 'ja',
        show: () => page.waitForSelector('[data-audit] tr[data-seq]'),
      });
      // The result is the answer to the admin's click: asked again after each language's reload.
      const verify = async (): Promise<void> => {
        await page.click('[data-action=verify-audit]');
        await page.waitForSelector('[data-banner=audit-intact]');
        // The stream connects and refetches the live panels: the result the admin asked for stays.
        await page.waitForSelector('[data-live][data-state=up]');
      };
      await verify();
      expect(await page.textContent('[data-banner=audit-intact]')).toMatch(/\d/);
      await checkScreenLanguages(page, 'admin-verified', { lang: 'ja', show: verify });
      await context.close();
    },
  );
});
