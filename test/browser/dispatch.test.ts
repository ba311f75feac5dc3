import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, loginOf, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';
import { checkScreenLanguages, SCREEN_SIZES } from '../support/screen-checks.js';

/**
 * The dispatcher's flow on the demo, in Debian's Chromium: status table, incident, ranking, inquiries.
 * Each state (the incident form as entered, a refused form, the ranking, the inquiries with the case's
 * timeline and the KPIs) is checked in Japanese and English at every size (a desk monitor, a wall, a
 * tablet either way: checkScreenLanguages).
 */
describe('dispatch screen in Chromium over the demo', () => {
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

  it('enters an incident, sees the ranking with reasons, and sends inquiries to the live hospitals; every state passes the screen checks', async () => {
    const page: Page = await (await browser.newContext({ viewport: SCREEN_SIZES.landscape })).newPage();
    await logIn(page, loginOf(demo.stdout, 'dispatch', 'dispatch-demo'), 'dispatcher', { lang: 'en' });
    const check = (state: string, show: () => Promise<unknown>, focus?: string): Promise<void> =>
      checkScreenLanguages(page, `dispatch-${state}`, {
        lang: 'en',
        show,
        ...(focus === undefined ? {} : { focus }),
      });

    // The demo hospitals' signed statuses arrive over MQTT beside the ~200 sample ones.
    const fresh = '[data-panel=hospitals] tr[data-hospital=hosp-demo-a][data-freshness=fresh]';
    await page.waitForSelector(fresh, { timeout: 15_000 });
    expect(await page.textContent('[data-panel=hospitals] tr[data-hospital=hosp-demo-a]')).toContain(
      'signed',
    );
    await check('start', () => page.waitForSelector(fresh));
    // The status table's eight columns get half the screen or more: in a third of it, every word
    // broke a letter a line.
    for (const size of Object.keys(SCREEN_SIZES) as (keyof typeof SCREEN_SIZES)[]) {
      await page.setViewportSize(SCREEN_SIZES[size]);
      const table = await page.locator('[data-panel=hospitals]').boundingBox();
      expect(table?.width ?? 0).toBeGreaterThan(SCREEN_SIZES[size].width * 0.45);
    }
    // On a tablet in portrait the incident form and its candidates take the whole width: beside the
    // inquiries, half of 800 px left the candidates' reasons a word a line.
    await page.setViewportSize(SCREEN_SIZES.portrait);
    const incident = await page.locator('[data-panel=incident]').boundingBox();
    expect(incident?.width ?? 0).toBeGreaterThan(SCREEN_SIZES.portrait.width * 0.8);
    await page.setViewportSize(SCREEN_SIZES.landscape);

    // A place typed by hand with a latitude that is no number: refused, named, kept.
    await page.selectOption('#place', '');
    await page.fill('#lat', 'north');
    await page.fill('#lon', '139.7');
    await page.click('[data-form=incident] button[type=submit]');
    await page.waitForSelector('[data-error-summary]');
    expect(await page.inputValue('#lat')).toBe('north');
    await check(
      'incident-error',
      () => page.waitForSelector('[data-error-summary]'),
      '[data-panel=incident]',
    );

    await page.selectOption('#place', 'shinjuku');
    await page.fill('#lat', '');
    await page.fill('#lon', '');
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
    await check('ranking', () => page.waitForSelector('[data-ranking] tr[data-rank="1"]'), '[data-ranking]');

    // A unit for the case (a milestone on its timeline), then the inquiries.
    await page.click('[data-action=assign]');
    await page.waitForSelector('[data-case-timeline] [data-assigned]');
    await page.click('[data-action=send]');
    await page.waitForSelector('[data-panel=inquiries] [data-case] td[data-phase=pending]');
    const pending = await page.$$('[data-panel=inquiries] td[data-phase=pending]');
    expect(pending.length).toBe(checked.length);
    await check('inquiries', () => page.waitForSelector('[data-panel=inquiries] [data-case] td[data-phase]'));
  }, 240_000);
});
