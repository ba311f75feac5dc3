import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { okusuriTechoPayload } from '../../src/sim/records/index.js';
import { launchChromium, logIn, loginOf, SCREENSHOTS, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';
import { ANTICOAGULANT, holderTaking, qrcodePng, qrencodeSet, y4mVideo } from '../support/okusuri-qr.js';
import { checkScreenLanguages, SCREEN_SIZES } from '../support/screen-checks.js';

const STEP_MS = 30_000;
/** Chromium, the demo and axe-core on a shared 2-core machine: a test's steps may each take seconds. */
const TEST_MS = 120_000;
const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/**
 * The お薬手帳 QR path as a crew uses it, in Debian's Chromium over the demo: a fake camera (a Y4M video
 * of structured-append symbols made by qrencode, shown in shuffled order) and the image upload.
 * Synthetic holders of the demo population only.
 */
describe('お薬手帳 QR in Chromium: fake camera, image upload, a set with a code missing', () => {
  let demo: CliProcess;
  let chromium: Browser;
  let context: BrowserContext;
  let page: Page;
  const dir = mkdtempSync(join(tmpdir(), 'ems-qr-'));
  const record = holderTaking(1, ANTICOAGULANT);
  const other = holderTaking(1, ANTICOAGULANT, record.holder.index + 1);
  const setDir = join(dir, 'set');
  mkdirSync(setDir);
  // A small fixed version splits the payload into several symbols (structured append).
  const symbols = qrencodeSet(okusuriTechoPayload(record, { dispensedOn: daysAgo(3) }), 7, setDir);

  beforeAll(async () => {
    expect(symbols.length).toBeGreaterThanOrEqual(3);
    // Shuffled: last first, then the rest; a few frames each, looped by Chromium.
    const shuffled = [...symbols.slice(-1), ...symbols.slice(0, -1).reverse()];
    const video = await y4mVideo(shuffled, join(dir, 'camera.y4m'), { framesEach: 4 });
    demo = await startDemoProcess();
    chromium = await launchChromium([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    context = await chromium.newContext({ viewport: SCREEN_SIZES.landscape });
    await context.grantPermissions(['camera']);
    page = await context.newPage();
    await logIn(page, loginOf(demo.stdout, 'ambulance', 'amb-demo-01'), 'crew', { timeoutMs: STEP_MS });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await chromium?.close();
    await demo?.stop();
  });

  /** Waits for the selector; on a timeout, says what the QR panel showed (no patient data: synthetic). */
  const shows = async (selector: string): Promise<void> => {
    try {
      await page.waitForSelector(selector, { timeout: STEP_MS });
    } catch (e) {
      await page.screenshot({ path: `${SCREENSHOTS}tablet-qr-timeout.png`, fullPage: true });
      const panel = await page.innerHTML('[data-panel=qr]').catch(() => '(none)');
      throw new Error(`${selector} not shown; QR panel: ${panel.slice(0, 600)}`, { cause: e });
    }
  };

  const newPatient = async (): Promise<void> => {
    await page.selectOption('#ageBand', '80-89');
    await page.click('[data-action=new-patient]');
    await page.waitForSelector('[data-qr-scanner][data-codes="0"]', { timeout: STEP_MS });
    // The page was loaded anew by the form post: the scanner script acts once it has run.
    await page.waitForSelector('html[data-qr-ready]', { state: 'attached', timeout: STEP_MS });
  };

  it(
    'camera: every symbol of the set is read in any order, previewed with its flags, merged on confirmation, gone at handover',
    async () => {
      await newPatient();
      await page.click('[data-action=qr-camera]');
      await shows('[data-qr-preview]');
      expect(await page.locator('[data-qr-preview] [data-flag=anticoagulant]').count()).toBeGreaterThan(0);
      const preview = (await page.textContent('[data-qr-preview]')) ?? '';
      for (const m of record.medications) expect(preview).toContain(m.drug.ja);
      expect(preview).toContain(daysAgo(3));
      // Not merged before the crew confirms.
      expect(await page.locator('[data-panel=summary] [data-summary]').count()).toBe(0);
      await page.screenshot({ path: `${SCREENSHOTS}tablet-qr-preview.png`, fullPage: true });
      // The preview is the server's (the card session's QR state): a reload shows it again.
      await checkScreenLanguages(page, 'tablet-qr-preview', {
        lang: 'ja',
        show: () => shows('[data-qr-preview]'),
        focus: '[data-panel=qr]',
      });

      await page.click('[data-action=qr-confirm]');
      await page.waitForSelector('[data-panel=summary] [data-section=medications][data-status=available]', {
        timeout: STEP_MS,
      });
      const summary = (await page.textContent('[data-panel=summary]')) ?? '';
      for (const m of record.medications) expect(summary).toContain(m.drug.ja);
      expect(await page.textContent('[data-panel=summary] [data-section=flags]')).toContain('抗凝固薬');
      expect(summary).toContain('お薬手帳');
      await page.screenshot({ path: `${SCREENSHOTS}tablet-qr-merged.png`, fullPage: true });

      await page.click('[data-action=handover-open]');
      await page.click('[data-action=handover]');
      await page.waitForSelector('[data-panel=summary] [data-summary]', {
        state: 'detached',
        timeout: STEP_MS,
      });
      for (const panel of ['qr', 'summary', 'card'])
        expect(await page.textContent(`[data-panel=${panel}]`)).not.toContain(record.medications[0]?.drug.ja);
    },
    TEST_MS,
  );

  it(
    'upload: an image with one code (qrcode, byte mode) reads like a scan',
    async () => {
      await newPatient();
      const png = await qrcodePng(
        okusuriTechoPayload(other, { dispensedOn: daysAgo(1) }),
        join(dir, 'one.png'),
      );
      await page.setInputFiles('[data-qr-files]', png);
      await shows('[data-qr-preview]');
      await page.click('[data-action=qr-confirm]');
      await page.waitForSelector('[data-panel=summary] [data-section=medications][data-status=available]', {
        timeout: STEP_MS,
      });
      expect(await page.textContent('[data-panel=summary]')).toContain(other.medications[0]?.drug.ja);
      await page.click('[data-action=handover-open]');
      await page.click('[data-action=handover]');
      await page.waitForSelector('[data-panel=summary] [data-summary]', {
        state: 'detached',
        timeout: STEP_MS,
      });
    },
    TEST_MS,
  );

  it(
    'a set with one symbol missing: progress, then a clear refusal when the crew finishes; nothing merged',
    async () => {
      await newPatient();
      await page.setInputFiles('[data-qr-files]', symbols.slice(1));
      await shows('[data-qr-progress]');
      expect(await page.textContent('[data-qr-progress]')).toContain(
        `${symbols.length - 1} / ${symbols.length}`,
      );
      await page.click('[data-action=qr-finish]');
      await page.waitForSelector('[data-qr-refused=missing-part]', { timeout: STEP_MS });
      expect(await page.textContent('[data-qr-refused]')).toContain(`code 1 of ${symbols.length} is missing`);
      expect(await page.locator('[data-panel=summary] [data-summary]').count()).toBe(0);
      await page.screenshot({ path: `${SCREENSHOTS}tablet-qr-missing.png`, fullPage: true });
    },
    TEST_MS,
  );
});
