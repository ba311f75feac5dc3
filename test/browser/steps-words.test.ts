import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Steps, UI_CSS } from '../../src/gateway/ui/components/index.js';
import { launchChromium } from '../support/browser.js';

/** The tablet flow's steps in English, as the card panel shows them (issue 15, item 4). */
const STEPS = [
  { id: 'patient', label: 'Patient', state: 'done' },
  { id: 'identity', label: 'Identity and consent', state: 'done' },
  { id: 'summary', label: 'Summary', state: 'done' },
  { id: 'report', label: 'Report', state: 'done' },
  { id: 'destination', label: 'Destination and state', state: 'current' },
] as const;

/**
 * Latin words of the steps that the browser broke across two lines (run in the page; the project's
 * TypeScript has no DOM library). Words a person reads whole, never "Summar/y".
 */
const SPLIT_WORDS = `(() => {
  const split = [];
  for (const step of document.querySelectorAll('[data-step]')) {
    const walker = document.createTreeWalker(step, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      if (node.parentElement.closest('.visually-hidden') !== null) continue;
      for (const m of node.textContent.matchAll(/[A-Za-z]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
})()`;

describe('the steps component in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
  });

  // The card panel's width in landscape (1280×800) and narrower: a step that does not fit wraps
  // onto the next line whole.
  for (const width of [520, 400, 320])
    it(`keeps every English word of the steps whole at ${width} px`, async () => {
      // hono's JSX renders to a string (a promise of one for async components).
      const node = Steps({ label: 'Steps', steps: STEPS, locale: 'en' }) as unknown as {
        toString(): string | Promise<string>;
      };
      const steps = await node.toString();
      await page.setContent(
        `<!doctype html><html lang="en"><head><title>t</title><style>${UI_CSS}</style></head><body><main style="width:${width}px">${steps}</main></body></html>`,
      );
      expect(await page.evaluate<string[]>(SPLIT_WORDS)).toEqual([]);
    });
});
