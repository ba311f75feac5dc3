import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { ARTIFACTS, ROOT } from './paths.js';

/**
 * Issue 15's checks of a screen as it is shown, from the element boxes Chromium laid out, so a
 * regression shows as a named element rather than a screenshot someone must look at:
 * - no two interactive elements overlap (a tap must reach the control it appears to hit: WCAG 2.5.8
 *   target spacing);
 * - no text overflows its box or is clipped, and no short button label breaks inside ("開/く");
 * - the page does not scroll sideways at its width (WCAG 1.4.10 reflow);
 * - axe-core (Deque's rules engine) finds no serious or critical violation.
 * Each check names the screen and the elements, so a failure says where to look.
 */

/** The sizes issue 15 names: the tablet in landscape and portrait, and the ER's wall display. */
export const SCREEN_SIZES = {
  landscape: { width: 1280, height: 800 },
  portrait: { width: 800, height: 1280 },
  wall: { width: 1920, height: 1080 },
} as const;
export type ScreenSize = keyof typeof SCREEN_SIZES;

export interface ScreenProblem {
  readonly check: 'overlap' | 'overflow' | 'split-label' | 'sideways-scroll' | 'axe';
  readonly detail: string;
}

/**
 * Screenshots go to test-artifacts/screens/ on every run; with EMS_SCREENS_TO_DOCS=1 (`npm run
 * screens`) they are also copied to docs/screens/, which docs/screens.md links, so the committed
 * pictures are refreshed deliberately rather than dirtying the tree on every test run.
 */
export const SCREENS_ARTIFACTS = `${ARTIFACTS}screens/`;
export const SCREENS_DOCS = `${ROOT}docs/screens/`;

const axeSource = (): string => {
  const require = createRequire(import.meta.url);
  return readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
};

/** Runs in the page: boxes of what a user can tap and of text as laid out. */
const layoutProblems = (): ScreenProblem[] => {
  const problems: ScreenProblem[] = [];
  const visible = (e: Element): boolean => {
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  };
  const describe = (e: Element): string => {
    const id = e.id === '' ? '' : `#${e.id}`;
    const name = e.getAttribute('name');
    const text = (e.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30);
    return `${e.tagName.toLowerCase()}${id}${name === null ? '' : `[name=${name}]`}${text === '' ? '' : ` "${text}"`}`;
  };
  // Hidden inputs and controls inside a closed <details> or <dialog> are not on screen.
  const interactive = [
    ...document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])',
    ),
  ].filter(visible);
  const boxes = interactive.map((e) => ({ e, r: e.getBoundingClientRect() }));
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const a = boxes[i];
      const b = boxes[j];
      if (a === undefined || b === undefined) continue;
      // A control inside another (a link inside a summary) is one target, not two.
      if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 1 && h > 1) {
        problems.push({ check: 'overlap', detail: `${describe(a.e)} overlaps ${describe(b.e)}` });
      }
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const text = node.textContent ?? '';
    const parent = node.parentElement;
    if (text.trim() === '' || parent === null || !visible(parent)) continue;
    if (parent.closest('script, style, noscript, template, option') !== null) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    // The nearest box that clips or draws a border: text must stay inside it.
    let box: Element | null = parent;
    while (box !== null && getComputedStyle(box).display === 'inline') box = box.parentElement;
    if (box === null) continue;
    const outer = box.getBoundingClientRect();
    for (const r of rects) {
      if (r.right > outer.right + 1 || r.left < outer.left - 1 || r.bottom > outer.bottom + 2) {
        problems.push({
          check: 'overflow',
          detail: `text "${text.trim().slice(0, 30)}" leaves ${describe(box)}`,
        });
        break;
      }
    }
    if (
      box.scrollWidth > box.clientWidth + 1 &&
      ['hidden', 'clip'].includes(getComputedStyle(box).overflowX)
    ) {
      problems.push({
        check: 'overflow',
        detail: `text "${text.trim().slice(0, 30)}" is clipped in ${describe(box)}`,
      });
    }
    // A short label that wraps breaks inside a word ("開/く"): the button is too narrow for it.
    const control = parent.closest('button, a.button, [role=button], .button');
    if (control !== null && text.trim().length <= 8 && !/\s/.test(text.trim()) && rects.length > 1) {
      problems.push({
        check: 'split-label',
        detail: `label "${text.trim()}" breaks across lines in ${describe(control)}`,
      });
    }
  }
  const root = document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    problems.push({
      check: 'sideways-scroll',
      detail: `page is ${root.scrollWidth}px wide in a ${window.innerWidth}px window`,
    });
  }
  return problems;
};

interface AxeViolation {
  readonly id: string;
  readonly impact?: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/** axe-core evaluated through the DevTools protocol, so the page's CSP (script-src 'self') holds. */
const axeProblems = async (page: Page): Promise<ScreenProblem[]> => {
  await page.evaluate(axeSource());
  const violations = await page.evaluate(
    async () =>
      (
        await (
          globalThis as unknown as {
            axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> };
          }
        ).axe.run(document, { resultTypes: ['violations'] })
      ).violations,
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      check: 'axe' as const,
      detail: `${v.impact ?? ''} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
    }));
};

/** Every problem of the page as shown now; an empty list is a pass. */
export const screenProblems = async (page: Page): Promise<ScreenProblem[]> => [
  ...(await page.evaluate(layoutProblems)),
  ...(await axeProblems(page)),
];

/**
 * Checks the page as shown and writes its screenshot as `NAME.png` (use names like
 * `tablet-summary-portrait-ja`). Throws with every problem found, so one run lists them all.
 */
export const checkScreen = async (page: Page, name: string): Promise<void> => {
  if (!/^[a-z0-9-]+$/.test(name))
    throw new Error(`screen name "${name}": lower-case letters, digits and "-"`);
  mkdirSync(SCREENS_ARTIFACTS, { recursive: true });
  const file = `${SCREENS_ARTIFACTS}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  if (process.env['EMS_SCREENS_TO_DOCS'] === '1') {
    mkdirSync(SCREENS_DOCS, { recursive: true });
    copyFileSync(file, `${SCREENS_DOCS}${name}.png`);
  }
  const problems = await screenProblems(page);
  if (problems.length > 0) {
    throw new Error(
      `screen ${name} at ${page.viewportSize()?.width ?? '?'}×${page.viewportSize()?.height ?? '?'}:\n` +
        problems.map((p) => `  ${p.check}: ${p.detail}`).join('\n'),
    );
  }
};
