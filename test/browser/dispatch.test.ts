import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/gateway/index.js';
import { CliProcess } from '../support/cli.js';
import { ARTIFACTS } from '../support/paths.js';

const SCREENSHOTS = `${ARTIFACTS}screenshots/`;

/** The dispatcher's flow on the demo, in Debian's Chromium: status table, incident, ranking, inquiries. */
describe('dispatch screen in Chromium over the demo', () => {
  let demo: CliProcess;
  let browser: BrowserContext;

  beforeAll(async () => {
    demo = CliProcess.start([
      'demo',
      '--port-base',
      '0',
      '--mqtt-port',
      '0',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'ems-browser-dispatch-')),
    ]);
    await demo.waitForOutput(/Ctrl-C stops/, 45_000);
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'ems-chromium-')), {
      viewport: { width: 1600, height: 1000 },
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('enters an incident, sees the ranking with reasons, and sends inquiries to the live hospitals', async () => {
    const url = /^ {2}dispatch \S+ +(http:\/\/[^\s]+)$/m.exec(demo.stdout)?.[1];
    const device = /^ {2}dispatch-demo +device code (\S+)$/m.exec(demo.stdout)?.[1];
    const user = /^ {4}dispatcher-demo +dispatcher +password (\S+) +TOTP secret (\S+)$/m.exec(demo.stdout);
    expect(url && device && user).toBeTruthy();
    const page = await browser.newPage();
    await page.goto(`${url as string}?lang=en`);
    await page.fill('#userId', 'dispatcher-demo');
    await page.fill('#password', user?.[1] as string);
    await page.fill('#otp', totp(base32Decode(user?.[2] as string) as Uint8Array, Date.now()));
    await page.fill('#deviceToken', device as string);
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/' || u.search.includes('error'));
    if ((await page.$('[data-screen=dispatcher]')) === null) throw new Error(`not logged in: ${page.url()}`);

    // The demo hospitals' signed statuses arrive over MQTT beside the ~200 sample ones.
    await page.waitForSelector('[data-panel=hospitals] tr[data-hospital=hosp-demo-a][data-freshness=fresh]', {
      timeout: 15_000,
    });
    expect(await page.textContent('[data-panel=hospitals] tr[data-hospital=hosp-demo-a]')).toContain(
      'signed',
    );

    await page.selectOption('#place', 'shinjuku');
    await page.selectOption('#category', 'stroke');
    await page.selectOption('#acuity', 'serious');
    await page.click('[data-form=incident] button[type=submit]');
    await page.waitForSelector('[data-ranking] tr[data-rank="1"]');
    const first = await page.textContent('[data-ranking] tr[data-rank="1"]');
    expect(first).toMatch(/travel \d+\.\d min/);
    expect(first).toMatch(/ED load \d+ %/);
    const checked: string[] = [];
    for (const box of await page.$$('[data-ranking] input[type=checkbox]:checked'))
      checked.push((await box.getAttribute('name')) ?? '');
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.every((n) => n.startsWith('to_hosp-demo-'))).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}dispatch-ranking.png`, fullPage: true });

    await page.click('[data-action=send]');
    await page.waitForSelector('[data-panel=inquiries] [data-case] td[data-phase=pending]');
    const pending = await page.$$('[data-panel=inquiries] td[data-phase=pending]');
    expect(pending.length).toBe(checked.length);
    await page.screenshot({ path: `${SCREENSHOTS}dispatch-inquiries.png`, fullPage: true });
  });
});
