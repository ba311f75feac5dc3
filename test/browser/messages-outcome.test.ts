import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.js';
import { HOSPITAL, startFleet, UNIT, type Fleet } from '../support/role-processes.js';
import { checkScreenLanguages, SCREEN_SIZES } from '../support/screen-checks.js';

const STEP_MS = 30_000;

/**
 * Issue 16 (messages and outcome), in Chromium over the ambulance and hospital roles as `run --config`
 * starts them (Mosquitto with the shipped configuration): the crew's tablet and the ER's report page
 * side by side. A message reads "delivered" when the other gateway has it and "read" only once a
 * person there says so, both ways; after handover the ER's outcome reaches the crew's tablet.
 */
describe('crew ↔ ER messages and the outcome (issue 16)', () => {
  let fleet: Fleet;
  let browser: Browser;

  beforeAll(async () => {
    [fleet, browser] = await Promise.all([startFleet({ ambulance: {}, hospital: {} }), launchChromium()]);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.close();
  });

  it('quick reply and text both ways: delivered, then read only when acknowledged; the outcome after handover', async () => {
    const crew = fleet.ambulance?.login;
    const triage = fleet.hospital?.login;
    if (crew === undefined || triage === undefined) throw new Error('roles missing');
    const tablet: Page = await (await browser.newContext({ viewport: SCREEN_SIZES.landscape })).newPage();
    const desk: Page = await (await browser.newContext({ viewport: SCREEN_SIZES.landscape })).newPage();
    for (const p of [tablet, desk]) p.setDefaultTimeout(STEP_MS);
    await Promise.all([
      logIn(tablet, crew, 'crew', { timeoutMs: STEP_MS }),
      logIn(desk, triage, 'triage', { timeoutMs: STEP_MS }),
    ]);

    // A report to the hospital (an unidentified patient), on the ER's board.
    await tablet.click('[data-action=new-patient]');
    await tablet.waitForSelector('[data-phase=unidentified]');
    await tablet.fill('#ageValue', '64');
    await tablet.fill('#mechanism', '胸痛');
    await tablet.fill('#etaMinutes', '8');
    await tablet.click('label[for=acuity-2]');
    await tablet.selectOption('#hospital', HOSPITAL);
    await tablet.click('[data-action=send-report]');
    const sent = tablet.locator('[data-reports] tr[data-report]').first();
    await sent.waitFor();
    const reportId = (await sent.getAttribute('data-report')) ?? '';
    expect(reportId).not.toBe('');
    await desk.click(`[data-board] [data-report="${UNIT}/${reportId}"] a.button`);
    await desk.waitForSelector('[data-report-detail]');

    const crewThread = tablet.locator(`[data-thread="${reportId}"]`);
    const deskThread = desk.locator('#panel-thread');
    const last = (thread: Locator, direction: 'in' | 'out'): Locator =>
      thread.locator(`[data-message=${direction}]`).last();

    // Crew → ER, a quick reply: delivered when the hospital's gateway has it; the ER sees it unread.
    await crewThread.locator('[data-action=quick-arriving-5]').click();
    await expect.poll(() => last(crewThread, 'out').getAttribute('data-state')).toBe('delivered');
    await last(deskThread, 'in').waitFor();
    expect(await last(deskThread, 'in').textContent()).toContain('あと約 5 分で到着');
    expect(await last(deskThread, 'in').getAttribute('data-state')).toBe('unread');
    // On the ER's screen is not read: nobody there has said so yet.
    expect(await last(crewThread, 'out').getAttribute('data-state')).toBe('delivered');
    await checkScreenLanguages(desk, 'triage-detail-message-unread', {
      lang: 'ja',
      show: () => last(deskThread, 'in').waitFor(),
      focus: '#panel-thread',
    });
    await deskThread.locator('[data-action=thread-seen]').click();
    await expect.poll(() => last(crewThread, 'out').getAttribute('data-state')).toBe('read');
    expect(await last(crewThread, 'out').textContent()).toContain('既読');

    // ER → crew, a short text: delivered at the tablet's gateway, read once the crew says "seen".
    await deskThread.locator('textarea[name=text]').fill('初療室 2 へ直接どうぞ');
    await deskThread.locator('[data-action=thread-send]').click();
    await expect.poll(() => last(deskThread, 'out').getAttribute('data-state')).toBe('delivered');
    await last(crewThread, 'in').waitFor();
    expect(await last(crewThread, 'in').textContent()).toContain('初療室 2 へ直接どうぞ');
    expect(await last(crewThread, 'in').getAttribute('data-state')).toBe('unread');
    expect(await last(deskThread, 'out').getAttribute('data-state')).toBe('delivered');
    await checkScreenLanguages(tablet, 'tablet-message-unread', {
      lang: 'ja',
      show: () => last(crewThread, 'in').waitFor(),
      focus: '[data-panel=messages]',
    });
    await crewThread.locator('[data-action=thread-seen]').click();
    await expect.poll(() => last(deskThread, 'out').getAttribute('data-state')).toBe('read');

    // Handover at the ER; then its outcome, through the form, to the crew of that past patient.
    await desk.click('[data-action=handover]');
    // Off the incoming list, on the recent one, from where the ER opens it again for the outcome.
    await desk.waitForSelector('[data-screen=triage]');
    await desk.click(`[data-report="${UNIT}/${reportId}"] a.button`);
    await desk.waitForSelector('[data-report-detail] [data-outcome] [data-action=outcome-send]');
    await desk.fill('[data-outcome] input[name=icd10]', 'I21.4');
    await desk.fill('[data-outcome] input[name=diagnosis]', '急性心筋梗塞');
    await desk.selectOption('[data-outcome] select[name=disposition]', 'icu');
    await desk.fill('[data-outcome] textarea[name=note]', 'PCI を実施しました。ありがとうございました');
    await desk.click('[data-action=outcome-send]');
    await desk.waitForSelector('[data-outcome] [data-row=outcome-diagnosis]');
    await checkScreenLanguages(desk, 'triage-detail-outcome', {
      lang: 'ja',
      show: () => desk.waitForSelector('[data-outcome] [data-row=outcome-diagnosis]'),
      focus: '[data-outcome]',
    });

    const outcome = tablet.locator(`[data-outcome="${reportId}"]`);
    await outcome.waitFor();
    const shown = await outcome.textContent();
    expect(shown).toContain('I21.4');
    expect(shown).toContain('急性心筋梗塞');
    expect(shown).toContain('ICU 入室');
    expect(shown).toContain('PCI を実施しました');
    // The report is closed on the tablet: no conversation to write in any more.
    await expect
      .poll(() =>
        tablet.locator(`[data-reports] tr[data-report="${reportId}"]`).first().getAttribute('data-state'),
      )
      .toBe('handed-over');
    expect(await tablet.locator(`[data-thread="${reportId}"]`).count()).toBe(0);
    await checkScreenLanguages(tablet, 'tablet-outcome', {
      lang: 'ja',
      show: () => outcome.waitFor(),
      focus: '[data-panel=outcomes]',
    });
  }, 120_000);
});
