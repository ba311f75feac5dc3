import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, logIn, loginOf, SCREENSHOTS, startDemoProcess } from '../support/browser.js';
import type { CliProcess } from '../support/cli.js';

/** The dispatcher's flow on the demo, in Debian's Chromium: status table, incident, ranking, inquiries. */
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

  it('enters an incident, sees the ranking with reasons, and sends inquiries to the live hospitals', async () => {
    const page: Page = await (
      await browser.newContext({ viewport: { width: 1600, height: 1000 } })
    ).newPage();
    await logIn(page, loginOf(demo.stdout, 'dispatch', 'dispatch-demo'), 'dispatcher', { lang: 'en' });

    // The demo hospitals' signed statuses arrive over MQTT beside the ~200 sample ones.
    await page.waitForSelector('[data-panel=hospitals] tr[data-hospital=hosp-demo-a][data-freshness=fresh]', {
      timeout: 15_000,
    });
    expect(await page.textContent('[data-panel=hospitals] tr[data-hospital=hosp-demo-a]')).toContain(
      'signed',
    );

    await page.selectOption('#place', 'shinjuku');
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
    await page.screenshot({ path: `${SCREENSHOTS}dispatch-ranking.png`, fullPage: true });

    await page.click('[data-action=send]');
    await page.waitForSelector('[data-panel=inquiries] [data-case] td[data-phase=pending]');
    const pending = await page.$$('[data-panel=inquiries] td[data-phase=pending]');
    expect(pending.length).toBe(checked.length);
    await page.screenshot({ path: `${SCREENSHOTS}dispatch-inquiries.png`, fullPage: true });
  });
});
