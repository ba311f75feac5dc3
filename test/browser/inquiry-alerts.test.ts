import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn } from '../support/browser.js';
import { HOSPITAL, startFleet, type Fleet } from '../support/role-processes.js';
import { checkScreenLanguages, checkScreenSizes, SCREEN_SIZES } from '../support/screen-checks.js';
import { waitFor } from '../support/wait.js';

const STEP_MS = 30_000;
/** The shortest re-alert period the configuration takes (triage.realertSeconds ≥ 15). */
const REALERT_S = 15;
/**
 * Dispatch's answer deadline: past one re-alert round and the banner's checks at every size in both
 * languages, short enough for a quick test.
 */
const ANSWER_S = 60;

/** The alert sounds the board's script counted (`body[data-alerts-sounded]`). */
const sounded = async (page: Page): Promise<number> =>
  Number((await page.getAttribute('body', 'data-alerts-sounded')) ?? 0);

/**
 * Acceptance inquiries on the triage board, in Chromium over the hospital and dispatch roles as
 * `run --config` starts them (Mosquitto with the shipped configuration): the dispatcher asks from the
 * dispatch screen, the board raises a banner with its count-down, sounds again each re-alert round
 * until someone acknowledges it, and past dispatch's deadline the inquiry cannot be answered.
 */
describe('inquiry alerts on the triage board', () => {
  let fleet: Fleet;
  let browser: Browser;

  beforeAll(async () => {
    [fleet, browser] = await Promise.all([
      startFleet({
        hospital: { config: { triage: { realertSeconds: REALERT_S } } },
        dispatch: {
          config: {
            inquiries: { default: { regionalCentreId: 'regional-centre', answerTimeoutSeconds: ANSWER_S } },
          },
        },
      }),
      launchChromium(),
    ]);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await fleet?.close();
  });

  it('banner with its count-down, re-alerts until acknowledged, closed after the deadline (409 if answered late)', async () => {
    const hospital = fleet.hospital?.login;
    const dispatch = fleet.dispatch?.login;
    if (hospital === undefined || dispatch === undefined) throw new Error('roles missing');
    const board = await (await browser.newContext({ viewport: SCREEN_SIZES.wall })).newPage();
    const desk = await (await browser.newContext({ viewport: { width: 1600, height: 1000 } })).newPage();
    for (const p of [board, desk]) p.setDefaultTimeout(STEP_MS);
    await Promise.all([
      logIn(board, hospital, 'triage', { timeoutMs: STEP_MS }),
      logIn(desk, dispatch, 'dispatcher', { timeoutMs: STEP_MS }),
    ]);

    // The dispatcher asks the one live hospital (its signed status arrived over MQTT).
    await desk.waitForSelector(`[data-panel=hospitals] tr[data-hospital=${HOSPITAL}][data-freshness=fresh]`);
    await desk.selectOption('#place', 'shinjuku');
    await desk.selectOption('#category', 'stroke');
    await desk.selectOption('#acuity', 'serious');
    await desk.click('[data-form=incident] button[type=submit]');
    await desk.waitForSelector(`[data-ranking] tr[data-hospital=${HOSPITAL}]`);
    const ask = desk.locator(`[data-ranking] input[name=to_${HOSPITAL}]`);
    if (!(await ask.isChecked())) await ask.check();
    await desk.click('[data-action=send]');
    await desk.waitForSelector('[data-panel=inquiries] td[data-phase=pending]');

    // The board: a banner with the deadline counting down, sounded once.
    const banner = board.locator('[data-alert-kind=inquiry]');
    await banner.waitFor();
    const countdown = banner.locator('[data-countdown=seconds]');
    const left = (): Promise<number> =>
      countdown.textContent().then((t) => {
        const [m, s] = (t ?? '').split(':').map(Number);
        return (m ?? 0) * 60 + (s ?? 0);
      });
    const first = await left();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(ANSWER_S);
    await expect.poll(left, { timeout: 5_000 }).toBeLessThan(first);
    await expect.poll(() => sounded(board)).toBe(1);
    expect(await banner.getAttribute('data-alert-signal')).toBe('0');
    expect(await board.$(`[data-inquiry] [data-action=accept]`)).not.toBeNull();

    const deadline = Number(await countdown.getAttribute('data-until'));
    expect(deadline).toBeGreaterThan(Date.now());

    // Nobody acknowledges: the next round sounds again.
    await expect
      .poll(() => banner.getAttribute('data-alert-signal'), { timeout: (REALERT_S + 10) * 1000 })
      .toBe('1');
    await expect.poll(() => sounded(board)).toBe(2);
    // The banner is the server's until someone acknowledges it: a reload (the language) shows it again.
    await checkScreenLanguages(board, 'triage-board-inquiry', {
      lang: 'ja',
      show: () => banner.locator('[data-countdown=seconds]').waitFor(),
    });
    expect(await board.$(`[data-inquiry] [data-action=accept]`)).not.toBeNull();

    // Acknowledged: the banner and its sound stop; the inquiry itself can still be answered.
    await banner.locator('[data-action=ack]').click();
    await banner.waitFor({ state: 'detached' });
    const inquiry = board.locator('[data-inquiry]');
    expect(await inquiry.locator('[data-action=accept]').count()).toBe(1);

    // Second screens of the desk whose pages lost their live updates still show the buttons: one for
    // each language the late answer's refusal is checked in (it can only be posted from a page drawn
    // before the deadline).
    const staleScreen = async (lang: 'ja' | 'en'): Promise<Page> => {
      const page = await board.context().newPage();
      await page.route('**/assets/live.js', (route) => route.abort());
      await page.goto(new URL(`/?lang=${lang}`, hospital.url).href);
      await page.waitForSelector('[data-inquiry] [data-action=accept]');
      return page;
    };
    const staleEn = await staleScreen('en');
    const stale = await staleScreen('ja');

    // Past the deadline the hospital's own gateway refuses a late "accept" from the stale screen (409),
    // and the person reads why, in words, with the way back to the board.
    await waitFor(
      () => Date.now() > deadline + 1_000 || undefined,
      'the deadline',
      (ANSWER_S + 5) * 1000,
      250,
    );
    // Acknowledged, it sounded no more since (the acknowledgement reloaded the board, whose count
    // starts again; a round was due at 2 × the re-alert period).
    expect(await sounded(board)).toBe(0);
    const answerLate = async (page: Page, lang: 'ja' | 'en'): Promise<void> => {
      // The desk's language as the user switches it (the cookie), without redrawing the stale page.
      await board.context().request.get(new URL(`/?lang=${lang}`, hospital.url).href);
      const answered = page.waitForResponse((r) => r.url().endsWith('/hospital/inquiries/answer'));
      await page.click('[data-inquiry] [data-action=accept]');
      expect((await answered).status()).toBe(409);
      await page.waitForSelector('[data-answer-refused=expired]');
      await checkScreenSizes(page, 'triage-inquiry-answer-refused', { lang });
    };
    await answerLate(staleEn, 'en');
    expect(await staleEn.textContent('[data-banner=inquiry-expired]')).toContain(
      'The answer deadline has passed',
    );
    await answerLate(stale, 'ja');
    expect(await stale.textContent('[data-banner=inquiry-expired]')).toContain('回答期限を過ぎました');

    // The board itself, drawn by the server after the deadline: the inquiry closed, nothing to press.
    await board.reload();
    await inquiry.locator('[data-state=expired]').waitFor();
    expect(await inquiry.locator('[data-action=accept], [data-action=decline]').count()).toBe(0);
    expect(await board.locator('[data-alert-kind=inquiry]').count()).toBe(0);
    await checkScreenLanguages(board, 'triage-board-inquiry-expired', {
      lang: 'ja',
      show: () => inquiry.locator('[data-state=expired]').waitFor(),
    });

    // Dispatch never saw an acceptance.
    expect(await desk.locator('[data-panel=inquiries] td[data-phase=accepted]').count()).toBe(0);
  }, 240_000);
});
