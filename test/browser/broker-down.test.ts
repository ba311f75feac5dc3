import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.js';
import { HOSPITAL, startFleet, type Fleet } from '../support/role-processes.js';
import { checkScreenLanguages, SCREEN_SIZES } from '../support/screen-checks.js';

/** Generous: the machine is shared, and each step crosses processes, TLS and the broker. */
const STEP_MS = 30_000;

/**
 * Issue 15 item 4, in Chromium over real processes: the ambulance and hospital roles as `run --config`
 * starts them, on Mosquitto with the shipped configuration. The broker process is killed (kill -9)
 * under a logged-in tablet and started again; the crew must be told the truth all along.
 */
describe('the tablet while the broker is down (issue 15 item 4)', () => {
  let fleet: Fleet;
  let browser: Browser;
  let tablet: Page;

  beforeAll(async () => {
    [fleet, browser] = await Promise.all([startFleet({ ambulance: {}, hospital: {} }), launchChromium()]);
    tablet = await (await browser.newContext({ viewport: SCREEN_SIZES.landscape })).newPage();
    tablet.setDefaultTimeout(STEP_MS);
    const crew = fleet.ambulance?.login;
    if (crew === undefined) throw new Error('no ambulance');
    await logIn(tablet, crew, 'crew', { timeoutMs: STEP_MS });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.close();
  });

  it('badge says the link is down, a report waits in the outbox, and is delivered when the broker is back, without a reload', async () => {
    const badge = tablet.locator('[data-live]');

    await fleet.broker.kill();
    await tablet.waitForSelector('[data-live][data-state=degraded]');
    expect(await badge.textContent()).toBe(await badge.getAttribute('data-link-down'));

    // An unidentified patient (no card): the report goes into the outbox like any other.
    await tablet.click('[data-action=new-patient]');
    await tablet.waitForSelector('[data-phase=unidentified]');
    await tablet.fill('#ageValue', '80');
    await tablet.fill('#mechanism', '意識障害');
    await tablet.fill('#hr', '52');
    await tablet.fill('#etaMinutes', '15');
    await tablet.click('label[for=acuity-2]');
    await tablet.selectOption('#hospital', HOSPITAL);
    await tablet.click('[data-action=send-report]');
    const row = tablet.locator('[data-reports] tr[data-report]');
    await row.first().waitFor();
    const reportId = await row.first().getAttribute('data-report');
    expect(reportId).toBeTruthy();
    const state = tablet.locator(`[data-reports] tr[data-report="${reportId as string}"]`);

    // Waiting in the outbox: never "sent" or "delivered" while nothing left the tablet.
    expect(await state.getAttribute('data-state')).toBe('queued');
    expect(await state.textContent()).toContain('送信箱で待機中');
    expect(await tablet.getAttribute('[data-report-status]', 'data-report-status')).toBe('queued');
    const banner = await tablet.textContent('[data-banner=link-down]');
    expect(banner).toContain('送信箱に保存');
    expect(await tablet.textContent('body')).not.toMatch(/病院に届きました|送信済み/);
    await tablet.waitForSelector('[data-live][data-state=degraded]');
    // The gateway knows its link is down: a reload (to switch the language) shows the same state.
    await checkScreenLanguages(tablet, 'tablet-broker-down', {
      lang: 'ja',
      show: () => tablet.waitForSelector('[data-live][data-state=degraded]'),
    });
    expect(await state.getAttribute('data-state')).toBe('queued');
    // A page that reloads loses this mark: from here on the state must change in place.
    await tablet.evaluate('window.emsStatesMark = "same page"');

    // The broker comes back (same port, same configuration): the outbox delivers by itself.
    await fleet.broker.start();
    await tablet.waitForSelector('[data-live][data-state=up]');
    await expect
      .poll(() => state.getAttribute('data-state'), { timeout: STEP_MS })
      .toMatch(/^(received|viewed)$/);
    expect(await state.textContent()).toMatch(/病院に届きました（受信確認）|病院の担当者が確認/);
    expect(await tablet.$('[data-banner=link-down]')).toBeNull();
    expect(await tablet.evaluate('window.emsStatesMark')).toBe('same page');
    await checkScreenLanguages(tablet, 'tablet-broker-back', {
      lang: 'ja',
      show: () => tablet.waitForSelector('[data-report-status=received], [data-report-status=viewed]'),
    });
  }, 180_000);
});
