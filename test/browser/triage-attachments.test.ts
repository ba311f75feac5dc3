import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAttachment, type AttachmentBounds } from '../../src/roles/tablet/index.js';
import { demoUnitFeed, launchChromium, logIn, loginOf, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';
import { ecgImage, photoWithGps } from '../support/feed/attachment-sample.js';
import type { unitFeed } from '../support/feed/harness.js';
import { unwrap } from '../support/feed/harness.js';
import { sampleReport } from '../support/feed/sample.js';
import { checkScreenLanguages, SCREEN_SIZES } from '../support/screen-checks.js';
import { waitFor } from '../support/wait.js';

const BOUNDS: AttachmentBounds = {
  maxEdgePx: 1600,
  jpegQuality: 80,
  maxImageBytes: 1024 * 1024,
  maxPdfBytes: 4 * 1024 * 1024,
  maxUploadBytes: 20 * 1024 * 1024,
  maxPerPatient: 8,
};

/**
 * The triage detail with a wound photo and a 12-lead ECG print-out (issue 16), in Debian's Chromium
 * over the demo: both prepared as the tablet prepares them and sent by a feed holding the demo's own
 * ambulance key; the desk sees both images, served only to its session and never cached.
 */
describe('triage detail with attachments in Chromium', () => {
  let demo: CliProcess;
  let chromium: Browser;
  let context: BrowserContext;
  let page: Page;
  let unit: Awaited<ReturnType<typeof unitFeed>> | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'ems-attach-browser-'));

  beforeAll(async () => {
    demo = await startDemoProcess(dataDir);
    chromium = await launchChromium();
    context = await chromium.newContext({ viewport: SCREEN_SIZES.landscape });
    page = await context.newPage();
    await logIn(page, loginOf(demo.stdout, 'hospital', 'hosp-demo-a'), 'triage');
    // Beside the demo's own ambulance role, under another MQTT client id.
    unit = await demoUnitFeed(demo, dataDir, 'amb-demo-01-attach-test');
  }, 120_000);

  afterAll(async () => {
    await unit?.close();
    await context?.close();
    await chromium?.close();
    await demo?.stop();
  });

  it('shows the photo and the ECG on the report, served no-store under opaque ids; the screen passes its checks', async () => {
    const feed = unit?.feed;
    if (feed === undefined) throw new Error('no unit');
    const report = unwrap(await feed.submitReport('hosp-demo-a', sampleReport(21)));
    const photo = unwrap(await prepareAttachment(await photoWithGps(2400, 1600), BOUNDS));
    const ecg = unwrap(await prepareAttachment(await ecgImage(1600, 700), BOUNDS));
    unwrap(await feed.sendAttachment(report.reportId, { ...photo, category: 'injury' }));
    unwrap(await feed.sendAttachment(report.reportId, { ...ecg, category: 'ecg' }));
    await waitFor(() => (feed.pending === 0 ? true : undefined), 'both attachments acknowledged', 30_000);

    await page.goto(new URL(`/triage/reports/amb-demo-01/${report.reportId}`, page.url()).toString());
    await page.waitForSelector('[data-report-detail] [data-attachments]');
    const images = page.locator('[data-attachments] img');
    expect(await images.count()).toBe(2);
    // Both decoded by the browser (a broken image has no natural width); the page's own script
    // text, as the project's TypeScript has no DOM library.
    await waitFor(
      () =>
        page.evaluate<boolean>(
          "[...document.querySelectorAll('[data-attachments] img')].every((i) => i.complete && i.naturalWidth > 0)",
        ),
      'images decoded',
    );
    const captions = await page.locator('[data-attachments] figcaption').allTextContents();
    expect(captions.join(' ')).toMatch(/外傷/);
    expect(captions.join(' ')).toMatch(/心電図/);
    const src = await images.first().getAttribute('src');
    expect(src).toMatch(/^\/triage\/reports\/amb-demo-01\/[0-9a-f-]+\/attachments\/[0-9a-f-]+$/);
    const served = await page.request.get(new URL(src ?? '', page.url()).toString());
    expect(served.status()).toBe(200);
    expect(served.headers()['content-type']).toBe('image/jpeg');
    expect(served.headers()['cache-control']).toBe('no-store');
    expect(served.headers()['x-content-type-options']).toBe('nosniff');
    await checkScreenLanguages(page, 'triage-detail-attachments', {
      lang: 'ja',
      show: () =>
        page.waitForFunction(
          "[...document.querySelectorAll('[data-attachments] img')].length === 2 && [...document.querySelectorAll('[data-attachments] img')].every((i) => i.complete && i.naturalWidth > 0)",
        ),
    });
    // Another browser without the desk's session gets nothing.
    const stranger = await chromium.newContext();
    const refused = await stranger.request.get(new URL(src ?? '', page.url()).toString(), {
      maxRedirects: 0,
    });
    expect(refused.status()).not.toBe(200);
    await stranger.close();
  });

  it('a photo that completes while the report is open appears in place: no reload, typing, focus and scroll kept (issue 16)', async () => {
    const feed = unit?.feed;
    if (feed === undefined) throw new Error('no unit');
    const report = unwrap(await feed.submitReport('hosp-demo-a', sampleReport(22)));
    const detail = new URL(`/triage/reports/amb-demo-01/${report.reportId}`, page.url()).toString();
    await waitFor(
      async () => ((await page.request.get(detail)).status() === 200 ? true : undefined),
      'on the board',
    );
    await page.goto(detail);
    await page.waitForSelector('[data-attachments] [data-attachments-none]');
    await page.waitForSelector('[data-live][data-state="up"]');
    // What a nurse has in hand: a reply half typed, the cursor in it, the page scrolled; a marker
    // on the window tells a reload (which would drop it) from an update in place.
    const reply = page.locator('[data-panel="thread"] textarea[name="text"]');
    await reply.fill('Resus 2 ready, bring the ECG');
    await reply.focus();
    await page.evaluate('window.scrollTo(0, 240); window.__notReloaded = true;');
    const scrolled = await page.evaluate<number>('window.scrollY');

    const photo = unwrap(await prepareAttachment(await photoWithGps(1200, 800), BOUNDS));
    unwrap(await feed.sendAttachment(report.reportId, { ...photo, category: 'injury' }));
    await page.waitForSelector('[data-attachments] img', { timeout: 30_000 });
    await waitFor(
      () =>
        page.evaluate<boolean>(
          "[...document.querySelectorAll('[data-attachments] img')].every((i) => i.complete && i.naturalWidth > 0)",
        ),
      'photo decoded',
    );
    expect(await page.evaluate<boolean>('window.__notReloaded === true')).toBe(true);
    expect(await reply.inputValue()).toBe('Resus 2 ready, bring the ECG');
    expect(await page.evaluate<string>('document.activeElement && document.activeElement.name')).toBe('text');
    expect(await page.evaluate<number>('window.scrollY')).toBe(scrolled);
    expect(await page.locator('[data-attachments] [data-attachments-none]').count()).toBe(0);
    expect((await page.locator('[data-attachments] figcaption').allTextContents()).join(' ')).toMatch(/外傷/);
  });
});
