import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/gateway/index.js';
import { launchChromium, SCREENSHOTS, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';

/** The demo as a user starts it, and Debian's Chromium (never a downloaded browser) driving the tablet. */
describe('tablet in Chromium over the demo', () => {
  let demo: CliProcess;
  let chromiumBrowser: Browser;
  let browser: BrowserContext;

  beforeAll(async () => {
    demo = await startDemoProcess();
    chromiumBrowser = await launchChromium();
    browser = await chromiumBrowser.newContext({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await chromiumBrowser?.close();
    await demo?.stop();
  });

  it('logs in as the demo crew with device code, password and TOTP, and shows the live tablet frame', async () => {
    const url = /^ {2}ambulance \S+ +(http:\/\/[^\s]+)$/m.exec(demo.stdout)?.[1];
    const device = /^ {2}amb-demo-01 +device code (\S+)$/m.exec(demo.stdout)?.[1];
    const crew = /^ {4}crew-demo +crew +password (\S+) +TOTP secret (\S+)$/m.exec(demo.stdout);
    expect(url && device && crew).toBeTruthy();
    const page = await browser.newPage();
    await page.goto(url as string);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: `${SCREENSHOTS}login.png` });
    await page.fill('#userId', 'crew-demo');
    await page.fill('#password', crew?.[1] as string);
    await page.fill('#otp', totp(base32Decode(crew?.[2] as string) as Uint8Array, Date.now()));
    await page.fill('#deviceToken', device as string);
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/' || u.search.includes('error'));
    if ((await page.$('[data-screen=crew]')) === null) throw new Error(`not logged in: ${page.url()}`);
    expect(await page.textContent('[data-panel=card]')).toContain('カードなし');
    // The live-update stream connects (SSE through the page's own script).
    await page.waitForSelector('[data-live][data-state=up]', { timeout: 10_000 });
    const box = await page.locator('header button[type=submit]').boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
    await page.screenshot({ path: `${SCREENSHOTS}tablet.png`, fullPage: true });
    await page.click('a.button');
    await page.waitForSelector('text=No card — tap a card on the reader');
    await page.screenshot({ path: `${SCREENSHOTS}tablet-en.png`, fullPage: true });
    await page.click('header button[type=submit]');
    await page.waitForURL(/\/login$/);
  });

  it('taps an emulated card, confirms visually, sees the summary, sends vitals and sees the report move', async () => {
    const crew = /^ {4}crew-demo +crew +password (\S+) +TOTP secret (\S+)$/m.exec(demo.stdout);
    const page = await browser.newPage();
    const url = /^ {2}ambulance \S+ +(http:\/\/[^\s]+)$/m.exec(demo.stdout)?.[1] as string;
    await page.goto(`${url}?lang=ja`);
    // This browser was enrolled by the first test: no device code needed now. A TOTP code is
    // accepted once per step, so wait for the next one.
    const code = (): string => totp(base32Decode(crew?.[2] as string) as Uint8Array, Date.now());
    const used = code();
    while (code() === used) await new Promise((r) => setTimeout(r, 500));
    await page.fill('#userId', 'crew-demo');
    await page.fill('#password', crew?.[1] as string);
    await page.fill('#otp', code());
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-screen=crew]');
    await page.waitForSelector('[data-live][data-state=up]', { timeout: 10_000 });

    await page.selectOption('#holder', '0');
    await page.click('[data-action=demo-insert]');
    await page.waitForSelector('[data-action=identify-visual]');
    await page.screenshot({ path: `${SCREENSHOTS}tablet-card.png`, fullPage: true });
    await page.click('[data-action=identify-visual]');
    await page.waitForSelector('[data-action=consent-given]');
    await page.screenshot({ path: `${SCREENSHOTS}tablet-consent.png`, fullPage: true });
    await page.click('[data-action=consent-given]');
    await page.waitForSelector('[data-summary]', { timeout: 15_000 });
    const allergies = await page.locator('[data-section=allergies] h3').boundingBox();
    const medications = await page.locator('[data-section=medications] h3').boundingBox();
    expect(allergies?.y ?? Infinity).toBeLessThan(medications?.y ?? 0);
    await page.screenshot({ path: `${SCREENSHOTS}tablet-summary.png`, fullPage: true });

    await page.fill('#ageValue', '68');
    await page.fill('#mechanism', '胸痛');
    await page.fill('#hr', '104');
    await page.fill('#sys', '92');
    await page.fill('#dia', '60');
    await page.fill('#rr', '24');
    await page.fill('#spo2', '93');
    await page.fill('#temp', '36.9');
    await page.selectOption('#jcs', '10');
    await page.fill('#gcsE', '3');
    await page.fill('#gcsV', '4');
    await page.fill('#gcsM', '6');
    await page.fill('#etaMinutes', '9');
    await page.click('label[for=acuity-2]');
    await page.click('[data-action=send-report]');
    await page.waitForSelector('[data-reports] [data-state]');
    // The hospital's gateway acknowledges: the state moves on without a reload (live updates).
    await page.waitForSelector('[data-reports] [data-state=received], [data-reports] [data-state=viewed]', {
      timeout: 20_000,
    });
    await page.screenshot({ path: `${SCREENSHOTS}tablet-report.png`, fullPage: true });
    const button = await page.locator('[data-action=send-report]').boundingBox();
    expect(button?.height ?? 0).toBeGreaterThanOrEqual(48);
  }, 90_000);
});
