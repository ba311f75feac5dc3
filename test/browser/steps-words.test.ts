import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Steps, UI_CSS } from '../../src/gateway/ui/components/index.js';
import { launchChromium } from '../support/browser.js';
import { screenProblems } from '../support/screen-checks.js';

/** The tablet flow's steps in English, as the card panel shows them (issue 15, item 4). */
const STEPS_EN = [
  { id: 'patient', label: 'Patient', state: 'done' },
  { id: 'identity', label: 'Identity and consent', state: 'done' },
  { id: 'summary', label: 'Summary', state: 'done' },
  { id: 'report', label: 'Report', state: 'done' },
  { id: 'destination', label: 'Destination and state', state: 'current' },
] as const;

/** The same steps in Japanese (src/roles/tablet/patients-text.ts). */
const STEPS_JA = [
  { id: 'patient', label: '患者', state: 'done' },
  { id: 'identity', label: '本人確認・同意', state: 'current' },
  { id: 'summary', label: 'サマリー', state: 'todo' },
  { id: 'report', label: '報告', state: 'todo' },
  { id: 'destination', label: '搬送先・状態', state: 'todo' },
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

  /** The steps component alone in a `main` of `width` px, as the card panel holds it. */
  const showSteps = async (
    lang: 'ja' | 'en',
    steps: typeof STEPS_EN | typeof STEPS_JA,
    width: number,
  ): Promise<void> => {
    // hono's JSX renders to a string (a promise of one for async components).
    const node = Steps({ label: 'Steps', steps, locale: lang }) as unknown as {
      toString(): string | Promise<string>;
    };
    await page.setContent(
      `<!doctype html><html lang="${lang}"><head><title>t</title><style>${UI_CSS}</style></head><body><main style="width:${width}px">${await node.toString()}</main></body></html>`,
    );
  };

  // The card panel's width in landscape (1280×800) and narrower: a step that does not fit wraps
  // onto the next line whole.
  for (const width of [520, 400, 320])
    it(`keeps every English word of the steps whole at ${width} px`, async () => {
      await showSteps('en', STEPS_EN, width);
      expect(await page.evaluate<string[]>(SPLIT_WORDS)).toEqual([]);
    });

  // The card panel in portrait (800×1280: five steps on one line broke 本人確/認, サマリ/ー, 搬送/先),
  // in landscape and narrower: a Japanese label breaks only after 「・」.
  for (const width of [730, 520, 400, 320])
    it(`keeps every Japanese word of the steps whole at ${width} px (本人確認, never 本人確/認)`, async () => {
      await showSteps('ja', STEPS_JA, width);
      expect((await screenProblems(page)).filter((p) => p.check === 'split-word')).toEqual([]);
    });
});
