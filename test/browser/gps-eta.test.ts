import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, loginOf, SCREENSHOTS, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';
import { ecgImage } from '../support/feed/attachment-sample.js';
import { checkScreenLanguages, SCREEN_SIZES } from '../support/screen-checks.js';

const STEP_MS = 30_000;
/** Near Yokohama station: ~27 km from デモ病院 A (新宿) in a straight line. */
const YOKOHAMA = { latitude: 35.4437, longitude: 139.638 };
/** Near Shinjuku-gyoen, ~1.5 km from デモ病院 A. */
const NEAR = { latitude: 35.685, longitude: 139.71 };

const shot = (page: Page, step: string): Promise<Buffer> =>
  page.screenshot({ path: `${SCREENSHOTS}gps-eta-${step}.png`, fullPage: true });

/** The ETA the hospital's board holds for the report (epoch ms), read from the row's countdown. */
const boardEta = async (board: Page, row: string): Promise<number> =>
  Number(await board.locator(`[data-report="${row}"] [data-until]`).first().getAttribute('data-until'));

/** The distance the tablet's ETA panel shows for the latest fix (km), or Infinity before one. */
const gpsKm = async (tablet: Page): Promise<number> => {
  const text = (await tablet.locator('[data-row=eta-gps]').textContent()) ?? '';
  const km = /([0-9.]+) km/.exec(text)?.[1];
  return km === undefined ? Number.POSITIVE_INFINITY : Number(km);
};

/**
 * Issue 16, item 4: the tablet's emulated geolocation moves, the GPS ETA (dispatch's travel model)
 * becomes a report update, and the hospital's board shows it; the crew's own ETA wins until cleared.
 */
describe('GPS ETA in Chromium with an emulated geolocation', () => {
  let demo: CliProcess;
  let browser: Browser;
  /** The tablet, the hospital's board and the board row of the report the first test sent. */
  let opened: { readonly tablet: Page; readonly board: Page; readonly row: string } | undefined;

  beforeAll(async () => {
    demo = await startDemoProcess();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it('moves the position, and the new ETA reaches the hospital; a manual ETA wins until cleared', async () => {
    const context = await browser.newContext({
      viewport: SCREEN_SIZES.landscape,
      permissions: ['geolocation'],
      geolocation: NEAR,
    });
    const tablet = await context.newPage();
    const board = await (await browser.newContext({ viewport: SCREEN_SIZES.landscape })).newPage();
    tablet.setDefaultTimeout(STEP_MS);
    board.setDefaultTimeout(STEP_MS);
    await logIn(tablet, loginOf(demo.stdout, 'ambulance', 'amb-demo-01'), 'crew', { timeoutMs: STEP_MS });
    await logIn(board, loginOf(demo.stdout, 'hospital', 'hosp-demo-a'), 'triage', { timeoutMs: STEP_MS });

    await tablet.selectOption('#holder', '0');
    await tablet.click('[data-action=demo-insert]');
    await tablet.click('[data-action=identify-visual]');
    await tablet.click('[data-action=consent-given]');
    await tablet.waitForSelector('[data-summary]');
    await tablet.fill('#ageValue', '68');
    await tablet.fill('#mechanism', '右片麻痺');
    await tablet.fill('#hr', '96');
    await tablet.fill('#etaMinutes', '5');
    await tablet.click('label[for=acuity-2]');
    await tablet.selectOption('#hospital', 'hosp-demo-a');
    await tablet.click('[data-action=send-report]');
    const sent = tablet.locator('[data-reports] tr[data-report]');
    await sent.first().waitFor();
    const reportId = await sent.first().getAttribute('data-report');
    const row = `amb-demo-01/${reportId}`;
    await board.locator(`[data-report="${row}"]`).waitFor();
    const typed = await boardEta(board, row);

    // Near the hospital the drive is ~4 min: within 2 min of the typed 5, so nothing is sent.
    await expect.poll(() => gpsKm(tablet), { timeout: STEP_MS }).toBeLessThan(3);
    expect(await boardEta(board, row)).toBe(typed);

    // Driving away: ~27 km × 1.4 / 35 km/h ≈ 65 min. The update reaches the board.
    await context.setGeolocation(YOKOHAMA);
    await expect.poll(() => boardEta(board, row), { timeout: STEP_MS }).toBeGreaterThan(typed + 45 * 60_000);
    const gps = await boardEta(board, row);
    expect(gps).toBeLessThan(Date.now() + 90 * 60_000);
    await shot(tablet, 'tablet');
    await shot(board, 'board');

    // The crew's own ETA: sent at once, and GPS moves change nothing while it stands.
    await tablet.fill('#minutes', '20');
    await tablet.click('[data-action=eta-manual]');
    await expect
      .poll(async () => Math.abs((await boardEta(board, row)) - (Date.now() + 20 * 60_000)), {
        timeout: STEP_MS,
      })
      .toBeLessThan(2 * 60_000);
    const manual = await boardEta(board, row);
    // The ETA panel with the crew's own ETA standing beside the GPS one, and its clear button.
    await checkScreenLanguages(tablet, 'tablet-eta', {
      lang: 'ja',
      show: () => tablet.waitForSelector('[data-action=eta-clear]'),
      focus: '[data-panel=eta]',
    });
    await context.setGeolocation(NEAR);
    // The server took the near fix (the panel shows its distance), and still sent nothing.
    await expect.poll(() => gpsKm(tablet), { timeout: STEP_MS }).toBeLessThan(3);
    expect(await boardEta(board, row)).toBe(manual);

    // Back to GPS: the near position's few minutes are sent.
    await tablet.click('[data-action=eta-clear]');
    await expect
      .poll(async () => (await boardEta(board, row)) - Date.now(), { timeout: STEP_MS })
      .toBeLessThan(10 * 60_000);

    // The position went into request bodies only: not into the gateway's console or log.
    expect(demo.stdout).not.toContain('35.4437');
    expect(demo.stdout).not.toContain('139.638');
    expect(demo.stderr).not.toContain('35.4437');
    opened = { tablet, board, row };
  }, 240_000);

  it("the report's other panels pass the screen checks in both languages: a photo sent, a message from the ER, the outcome after handover", async () => {
    if (opened === undefined) throw new Error('the first test sent no report');
    const { tablet, board, row } = opened;
    const check = (state: string, show: () => Promise<unknown>): Promise<void> =>
      checkScreenLanguages(tablet, `tablet-${state}`, {
        lang: 'ja',
        show,
        focus: `[data-panel=${state}]`,
      });

    // A 12-lead print-out as a file: prepared on the gateway, sent after the report, at the hospital.
    await tablet.selectOption('#file-category', 'ecg');
    await tablet.setInputFiles('#file-file', {
      name: 'ecg.jpg',
      mimeType: 'image/jpeg',
      buffer: await ecgImage(1600, 700),
    });
    await tablet.click('[data-action=attach-file]');
    const delivered = '[data-attachments] [data-attachment][data-state=delivered]';
    await tablet.waitForSelector(delivered);
    await check('attachments', () => tablet.waitForSelector(delivered));

    // The ER's quick reply reaches the tablet's conversation with that hospital.
    const detail = new URL(`/triage/reports/${row}`, board.url()).href;
    await board.goto(detail);
    await board.click('[data-action=quick-go-to-resus-1]');
    const message = '[data-panel=messages] [data-message=in]';
    await tablet.waitForSelector(message);
    await check('messages', () => tablet.waitForSelector(message));

    // Handover at the ER, then the outcome: the crew sees what became of its patient.
    await board.goto(detail);
    await board.click('[data-action=handover]');
    await board.goto(detail);
    await board.fill('#icd10', 'I63.9');
    await board.fill('#diagnosis', '脳梗塞');
    await board.selectOption('#disposition', 'admitted');
    await board.click('[data-action=outcome-send]');
    const outcome = '[data-panel=outcomes] [data-outcome]';
    await tablet.waitForSelector(outcome);
    await check('outcomes', () => tablet.waitForSelector(outcome));
  }, 240_000);
});
