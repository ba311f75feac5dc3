import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, loginOf, SCREENSHOTS, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';
import { checkScreenLanguages, SCREEN_SIZES } from '../support/screen-checks.js';

/** Generous: the suite shares two cores with other work, and each step is a server round trip. */
const STEP_MS = 30_000;
const HOSPITAL = 'hosp-demo-a';

const shot = (page: Page, step: string): Promise<Buffer> =>
  page.screenshot({ path: `${SCREENSHOTS}lookup-${step}.png`, fullPage: true });

const rowText = async (page: Page, id: string): Promise<string> =>
  ((await page.locator(`[data-demo-namesakes] [data-row=${id}]`).first().textContent()) ?? '').trim();

/**
 * The card-less path (issue 13) over one demo process: a patient without a card, identified by the
 * four basic items while a namesake (same name, birth date, another town) is on the register; the
 * crew sees both, picks one explicitly, the summary comes as after a card read, the report goes out,
 * and the ER sees "four items" with the score next to the patient.
 */
describe('card-less lookup in Chromium over one demo', () => {
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

  it('unknown patient → four items with a namesake → two candidates → crew confirms one → report accepted; the ER shows four-items', async () => {
    const tablet = await (await browser.newContext({ viewport: SCREEN_SIZES.landscape })).newPage();
    const board = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    tablet.setDefaultTimeout(STEP_MS);
    board.setDefaultTimeout(STEP_MS);
    await logIn(tablet, loginOf(demo.stdout, 'ambulance', 'amb-demo-01'), 'crew', { timeoutMs: STEP_MS });
    await logIn(board, loginOf(demo.stdout, 'hospital', HOSPITAL), 'triage', { timeoutMs: STEP_MS });
    // Pictured: the lookup (its form), or the answer with its candidates.
    const check = (state: string, show: () => Promise<unknown>, focus = '[data-lookup]'): Promise<void> =>
      checkScreenLanguages(tablet, `tablet-lookup-${state}`, { lang: 'ja', show, focus });

    // A patient without a card; the lookup form appears for it, with the demo's namesake pair.
    await tablet.selectOption('#ageBand', '70-79');
    await tablet.click('[data-action=new-patient]');
    await tablet.waitForSelector('[data-lookup=none]');
    await check('form', () => tablet.waitForSelector('[data-lookup=none]'));
    await tablet.click('[data-demo-namesakes] summary');
    const kana = await rowText(tablet, 'demo-kana');
    const birth = await rowText(tablet, 'demo-birth');
    const [ownTown] = (await rowText(tablet, 'demo-towns')).split(' / ');
    expect(kana).not.toBe('');
    expect(birth).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // Bad input: an impossible date. Inline error at the field, everything typed kept, nothing sent.
    await tablet.fill('#nameKana', kana);
    await tablet.fill('#birthDate', `${birth.slice(0, 4)}-02-30`);
    await tablet.click('[data-action=lookup-four-items]');
    await tablet.waitForSelector('[data-field=birthDate] [data-error=format]');
    expect(await tablet.inputValue('#nameKana')).toBe(kana);
    expect(await tablet.inputValue('#birthDate')).toBe(`${birth.slice(0, 4)}-02-30`);
    expect(await tablet.locator('[data-error-summary]').count()).toBe(1);
    expect(await tablet.locator('[data-candidate]').count()).toBe(0);
    await shot(tablet, 'bad-date');
    await check('error', () => tablet.waitForSelector('[data-field=birthDate] [data-error=format]'));

    // The four items: name and birth date. Two candidates, told apart by town, none chosen.
    await tablet.fill('#birthDate', birth);
    await tablet.click('[data-action=lookup-four-items]');
    await tablet.waitForSelector('[data-lookup=answered]');
    const candidates = tablet.locator('[data-candidate]');
    expect(await candidates.count()).toBe(2);
    expect(await tablet.locator('[data-phase=unidentified]').count()).toBe(1);
    expect(await tablet.locator('[data-candidate] [data-tag=weak]').count()).toBe(2);
    await shot(tablet, 'candidates');
    await check('candidates', () => tablet.waitForSelector('[data-lookup=answered]'), '[data-candidates]');
    const towns = await tablet.locator('[data-candidate] [data-row=town]').allTextContents();
    const pick = towns.findIndex((t) => t.trim() === ownTown) + 1;
    expect(pick).toBeGreaterThan(0);

    // The crew's explicit choice, in two steps; then the consent basis, as after a card read.
    const confirm = tablet.locator(`[data-action=confirm-candidate-${pick}]`);
    const openConfirm = async (): Promise<void> => {
      if (!(await confirm.isVisible())) await tablet.click(`[data-action=confirm-candidate-${pick}-open]`);
      await confirm.waitFor({ state: 'visible' });
    };
    await openConfirm();
    await check('confirm', openConfirm, '[data-candidates]');
    await confirm.click();
    await tablet.waitForSelector('[data-action=consent-unable]');
    await tablet.click('[data-action=consent-unable]');
    await tablet.waitForSelector('[data-summary]');
    await expect
      .poll(() => tablet.locator('[data-identity] [data-assurance]').getAttribute('data-assurance'))
      .toBe('four-items-70');
    await shot(tablet, 'summary');

    // The report, to the hospital, carrying the assurance.
    await tablet.fill('#ageValue', '74');
    await tablet.fill('#mechanism', '意識障害');
    await tablet.fill('#hr', '96');
    await tablet.fill('#etaMinutes', '9');
    await tablet.click('label[for=acuity-2]');
    await tablet.selectOption('#hospital', HOSPITAL);
    await tablet.click('[data-action=send-report]');
    const sent = tablet.locator('[data-reports] tr[data-report]');
    await sent.first().waitFor();
    const reportId = (await sent.first().getAttribute('data-report')) ?? '';

    // The ER: the board row and the detail say "four items" with the score, next to the patient.
    const row = board.locator(`[data-report="amb-demo-01/${reportId}"]`);
    await row.waitFor();
    expect(await row.locator('[data-assurance]').getAttribute('data-assurance')).toBe('four-items-70');
    await row.locator('a.button').click();
    await board.waitForSelector('[data-report-detail]');
    expect(
      await board.locator('[data-report-detail] [data-assurance]').first().getAttribute('data-assurance'),
    ).toBe('four-items-70');
    await board.click('button[data-action=accept]');
    await board.waitForSelector('[data-report-detail][data-state=accepted]');
    await shot(board, 'detail');
    const state = tablet.locator(`[data-reports] tr[data-report="${reportId}"]`);
    await expect.poll(() => state.getAttribute('data-state'), { timeout: STEP_MS }).toBe('accepted');
  }, 240_000);
});
