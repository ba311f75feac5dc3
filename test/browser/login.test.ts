import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, type RunningServer } from '../../src/gateway/index.js';
import { launchChromium } from '../support/browser.js';
import { checkScreenLanguages, SCREEN_SIZES } from '../support/screen-checks.js';
import { openHarness, type Harness } from '../gateway/harness.js';

/** Issue 15, log-in that fits a shift, in Debian's Chromium over a real socket (the clock is the test's). */
describe('log-in in the browser', () => {
  let h: Harness;
  let server: RunningServer;
  let browser: Browser;
  beforeAll(async () => {
    h = await openHarness('ambulance', { displayName: '救急車 3号', auth: { idleLogoutSeconds: 60 } });
    server = await startServer(h.gateway.app, { host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
    await server.close();
    h.gateway.close();
  });

  it('a failed attempt keeps user id and device code; idle locks; the PIN unlocks', async () => {
    const cred = await h.issue('crew-x', 'crew');
    const page = await browser.newPage({ viewport: SCREEN_SIZES.portrait });
    await page.goto(`${server.url}/login?lang=ja`);
    expect(await page.textContent('[data-instance]')).toContain('救急車 3号');
    // The refusal is the answer to the post: after each language's reload it is posted again (two
    // failures of the five the throttle lets through before it slows this client).
    const fail = async (): Promise<void> => {
      await page.fill('#userId', 'crew-x');
      await page.fill('#password', 'wrong-password');
      await page.fill('#otp', h.code(cred.totpSecret));
      await page.fill('#deviceToken', h.gateway.deviceToken);
      await page.click('button[type=submit]');
      await page.waitForSelector('[data-error="login-failed"]');
    };
    await fail();
    expect(await page.inputValue('#userId')).toBe('crew-x');
    expect(await page.inputValue('#deviceToken')).toBe(h.gateway.deviceToken);
    expect(await page.inputValue('#password')).toBe('');
    await checkScreenLanguages(page, 'login-failed', { lang: 'ja', show: fail });

    h.clock.advance(30_000);
    await page.fill('#password', cred.password);
    await page.fill('#otp', h.code(cred.totpSecret));
    await page.fill('#pin', '2580');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-screen=crew]');
    // Idle on the server: the live stream ends, the page goes to the PIN form, the screen is gone.
    h.clock.advance(61_000);
    await page.waitForURL(/\/unlock$/, { timeout: 15_000 });
    expect(await page.$('[data-screen=crew]')).toBeNull();
    await checkScreenLanguages(page, 'unlock', { lang: 'ja', show: () => page.waitForSelector('#pin') });
    await page.fill('#pin', '2580');
    await page.click('[data-action=unlock]');
    await page.waitForSelector('[data-screen=crew]');
    await page.close();
  });

  it('in English, fields of the wrong shape are named in the summary and at the field; a wrong PIN says the tries left', async () => {
    h.clock.advance(30_000);
    const cred = await h.issue('crew-y', 'crew');
    const page = await browser.newPage({ viewport: SCREEN_SIZES.landscape });
    await page.goto(`${server.url}/login?lang=en`);
    await checkScreenLanguages(page, 'login', { lang: 'en', show: () => page.waitForSelector('#userId') });
    // Refused before any password is tried, so posting it again in the other language costs nothing.
    const misshapen = async (): Promise<void> => {
      await page.fill('#userId', 'crew-y');
      await page.fill('#password', cred.password);
      await page.fill('#otp', '12a');
      await page.fill('#deviceToken', h.gateway.deviceToken);
      await page.fill('#pin', '12');
      await page.click('[data-action=login]');
      await page.waitForSelector('[data-error="invalid-input"]');
    };
    await misshapen();
    const summary = await page.textContent('[data-error-summary]');
    expect(summary).toContain('There is a problem');
    expect(summary).toContain('Code must be a number (6 digits from the authenticator app)');
    expect(summary).toContain('Screen-lock PIN (optional) must be a number (4 to 8 digits)');
    expect(await page.textContent('#otp-error')).toContain('Code must be a number');
    expect(await page.inputValue('#userId')).toBe('crew-y');
    expect(await page.inputValue('#deviceToken')).toBe(h.gateway.deviceToken);
    await checkScreenLanguages(page, 'login-invalid', { lang: 'en', show: misshapen });

    await page.fill('#password', cred.password);
    await page.fill('#otp', h.code(cred.totpSecret));
    await page.fill('#pin', '97531');
    await page.click('[data-action=login]');
    await page.waitForSelector('[data-screen=crew]');
    h.clock.advance(61_000);
    await page.waitForURL(/\/unlock$/, { timeout: 15_000 });
    const wrongPin = async (): Promise<void> => {
      await page.fill('#pin', '1111');
      await page.click('[data-action=unlock]');
      await page.waitForSelector('[data-error="wrong-pin"]');
    };
    await wrongPin();
    expect(await page.textContent('[data-error-summary]')).toContain(
      'The PIN is not correct. Tries left before log-off: 4',
    );
    // Posted again after each language's reload: two more tries, never the last one.
    await checkScreenLanguages(page, 'unlock-wrong-pin', { lang: 'en', show: wrongPin });
    expect(await page.textContent('[data-error-summary]')).toContain('Tries left before log-off: 2');
    await page.fill('#pin', '97531');
    await page.click('[data-action=unlock]');
    await page.waitForSelector('[data-screen=crew]');
    await page.close();
  });
});
