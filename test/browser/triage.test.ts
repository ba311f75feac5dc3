import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readKeyFile, toBase64 } from '../../src/crypto/index.js';
import { base32Decode, totp } from '../../src/gateway/index.js';
import { launchChromium, SCREENSHOTS, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';
import { unitFeed } from '../support/feed/harness.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

/**
 * The demo as a user starts it; a report injected by an ambulance feed holding the demo's own
 * ambulance key (DATA_DIR/keys); Debian's Chromium at the triage desk of demo hospital A.
 */
describe('triage board in Chromium over the demo', () => {
  let demo: CliProcess;
  let chromiumBrowser: Browser;
  let browser: BrowserContext;
  let unit: Awaited<ReturnType<typeof unitFeed>> | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'ems-triage-browser-'));

  beforeAll(async () => {
    demo = await startDemoProcess(dataDir);
    chromiumBrowser = await launchChromium();
    browser = await chromiumBrowser.newContext({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    await unit?.close();
    await browser?.close();
    await chromiumBrowser?.close();
    await demo?.stop();
  });

  it('logs in as triage, sees the incoming report with an alert, opens it and accepts it', async () => {
    const url = /^ {2}hospital hosp-demo-a +(http:\/\/[^\s]+)$/m.exec(demo.stdout)?.[1];
    const broker = /MQTT broker \(aedes\) +(mqtt:\/\/\S+)/.exec(demo.stdout)?.[1];
    const device = /^ {2}hosp-demo-a +device code (\S+)$/m.exec(demo.stdout)?.[1];
    const login = /^ {4}triage-demo +triage +password (\S+) +TOTP secret (\S+)$/m.exec(demo.stdout);
    expect(url && broker && device && login).toBeTruthy();

    const page = await browser.newPage();
    await page.goto(url as string);
    await page.fill('#userId', 'triage-demo');
    await page.fill('#password', login?.[1] as string);
    await page.fill('#otp', totp(base32Decode(login?.[2] as string) as Uint8Array, Date.now()));
    await page.fill('#deviceToken', device as string);
    await page.click('button[type=submit]');
    await page.waitForURL((u) => u.pathname === '/' || u.search.includes('error'));
    if ((await page.$('[data-screen=triage]')) === null) throw new Error(`not logged in: ${page.url()}`);
    await page.waitForSelector('[data-live][data-state=up]', { timeout: 10_000 });

    const keysDir = join(dataDir, 'keys');
    const operator = await readKeyFile(join(keysDir, 'operator-demo.key'));
    if (!operator.ok) throw new Error(operator.error.message);
    const keys = {
      directoryFile: join(keysDir, 'directory.json'),
      operatorPublicKey: toBase64(operator.value.publicKeys.ed25519),
      keyFile: (p: string) => join(keysDir, `${p}.key`),
    };
    // Beside the demo's own ambulance role, under another MQTT client id.
    unit = await unitFeed({ url: broker as string, protocolVersion: 4, keys }, 'amb-demo-01', {
      dir: mkdtempSync(join(tmpdir(), 'ems-triage-unit-')),
      clientId: 'amb-demo-01-browser-test',
    });
    await unit.feed.start();
    await waitFor(() => unit?.link.isUp || undefined, 'unit link up');
    const sent = await unit.feed.submitReport('hosp-demo-a', sampleReport(7));
    if (!sent.ok) throw new Error(sent.error.code);
    const { reportId } = sent.value;

    // Live: the panel refreshes by SSE, the alert banner appears once.
    const row = `[data-report="amb-demo-01/${reportId}"]`;
    await page.waitForSelector(row, { timeout: 15_000 });
    await page.waitForSelector('.triage-alert', { timeout: 5_000 });
    expect(await page.locator('.triage-alert').count()).toBe(1);
    expect(await page.locator(row).count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}triage-board.png`, fullPage: true });

    await page.click(`${row} a.button`);
    await page.waitForSelector('[data-report-detail]');
    expect(await page.textContent('[data-report-detail] [data-section=allergies]')).toContain('penicillin');
    await page.screenshot({ path: `${SCREENSHOTS}triage-report.png`, fullPage: true });
    await waitFor(() => unit?.feed.report(reportId)?.state === 'viewed' || undefined, 'viewed at the crew');

    await page.click('button[data-action=accept]');
    await page.waitForSelector('[data-report-detail][data-state=accepted]');
    await waitFor(
      () => unit?.feed.report(reportId)?.state === 'accepted' || undefined,
      'accepted at the crew',
    );
    await page.screenshot({ path: `${SCREENSHOTS}triage-accepted.png`, fullPage: true });

    // Back on the board: the same report, no second alert.
    await page.click('a.button[href="/"]');
    await page.waitForSelector(row);
    expect(await page.locator('.triage-alert').count()).toBe(0);
  });
});
