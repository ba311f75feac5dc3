import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, loginOf, SCREENSHOTS, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';
import { checkScreenLanguages } from '../support/screen-checks.js';

/** Generous: the suite shares two cores with other work, and each step is a server round trip. */
const STEP_MS = 30_000;
/** Not the first hospital of the list, so the destination choice is exercised. */
const HOSPITAL = 'hosp-demo-b';

const shot = (page: Page, step: string): Promise<Buffer> =>
  page.screenshot({ path: `${SCREENSHOTS}round-trip-${step}.png`, fullPage: true });

/**
 * The whole journey over one demo process, as the two people see it: the crew on the ambulance
 * tablet and the nurse at the triage desk of the hospital the crew chose, each in their own browser
 * context (own cookies, own device enrolment) of Debian's Chromium.
 */
describe('tablet to triage board and back, in Chromium over one demo', () => {
  let demo: CliProcess;
  let browser: Browser;

  beforeAll(async () => {
    demo = await startDemoProcess();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('card tap, summary, vitals and send on the tablet; accept on the board; the tablet shows accepted', async () => {
    const tablet = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const board = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    tablet.setDefaultTimeout(STEP_MS);
    board.setDefaultTimeout(STEP_MS);
    await logIn(tablet, loginOf(demo.stdout, 'ambulance', 'amb-demo-01'), 'crew', { timeoutMs: STEP_MS });
    await logIn(board, loginOf(demo.stdout, 'hospital', HOSPITAL), 'triage', { timeoutMs: STEP_MS });
    await shot(board, 'board-empty');
    await checkScreenLanguages(board, 'triage-board-empty', {
      lang: 'ja',
      // An empty list has no height: there, but not visible.
      show: () => board.waitForSelector('[data-board]', { state: 'attached' }),
    });

    // Tablet: the demo control taps an emulated card; the crew compares the card photo.
    await tablet.selectOption('#holder', '0');
    await tablet.click('[data-action=demo-insert]');
    await tablet.waitForSelector('[data-action=identify-visual]');
    await shot(tablet, 'card');
    await tablet.click('[data-action=identify-visual]');
    await tablet.waitForSelector('[data-action=consent-given]');
    await shot(tablet, 'consent');
    await tablet.click('[data-action=consent-given]');
    await tablet.waitForSelector('[data-summary]');
    await expect.poll(() => tablet.locator('[data-summary] [data-section=allergies]').count()).toBe(1);
    await expect.poll(() => tablet.locator('[data-summary] [data-section=flags]').count()).toBe(1);
    await shot(tablet, 'summary');

    // Vitals, with JCS and GCS as separate fields, and the destination.
    await tablet.fill('#ageValue', '72');
    await tablet.fill('#mechanism', '呼吸困難');
    await tablet.fill('#hr', '118');
    await tablet.fill('#sys', '88');
    await tablet.fill('#dia', '54');
    await tablet.fill('#rr', '28');
    await tablet.fill('#spo2', '89');
    await tablet.fill('#temp', '38.2');
    await tablet.selectOption('#jcs', '3');
    await tablet.fill('#gcsE', '3');
    await tablet.fill('#gcsV', '4');
    await tablet.fill('#gcsM', '6');
    await tablet.fill('#etaMinutes', '12');
    await tablet.click('label[for=acuity-2]');
    await tablet.selectOption('#hospital', HOSPITAL);
    await shot(tablet, 'vitals');
    await tablet.click('[data-action=send-report]');
    const sent = tablet.locator('[data-reports] tr[data-report]');
    await sent.first().waitFor();
    expect(await sent.count()).toBe(1);
    const reportId = await sent.first().getAttribute('data-report');
    expect(reportId).toBeTruthy();
    await shot(tablet, 'sent');

    // Board: the report arrives live (SSE), exactly once, with its alert (until acknowledged).
    const row = board.locator(`[data-report="amb-demo-01/${reportId as string}"]`);
    await row.waitFor();
    await board.locator('[data-alert-kind=new-report]').waitFor();
    expect(await board.locator('[data-board] [data-report]').count()).toBe(1);
    await shot(board, 'incoming');
    await row.locator('a.button').click();
    await board.waitForSelector('[data-report-detail]');
    await shot(board, 'detail');
    await board.click('button[data-action=accept]');
    await board.waitForSelector('[data-report-detail][data-state=accepted]');
    await shot(board, 'accepted');
    await checkScreenLanguages(board, 'triage-detail-accepted', {
      lang: 'ja',
      show: () => board.waitForSelector('[data-report-detail][data-state=accepted]'),
    });

    // Tablet: the signed answer comes back over MQTT and the state label changes without a reload.
    const state = tablet.locator(`[data-reports] tr[data-report="${reportId as string}"]`);
    await expect.poll(() => state.getAttribute('data-state'), { timeout: STEP_MS }).toBe('accepted');
    expect(await state.textContent()).toContain('受入可');
    await shot(tablet, 'accepted');
    await checkScreenLanguages(tablet, 'tablet-accepted', {
      lang: 'ja',
      show: () => state.and(tablet.locator('[data-state=accepted]')).waitFor(),
      focus: '[data-panel=report]',
    });
  }, 180_000);
});
