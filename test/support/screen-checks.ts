import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { ARTIFACTS, ROOT } from './paths.js';
import { layoutProblems } from './screen-layout.mjs';

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

interface AxeViolation {
  readonly id: string;
  readonly impact?: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

/** axe-core evaluated through the DevTools protocol, so the page's CSP (script-src 'self') holds. */
const axeProblems = async (page: Page): Promise<ScreenProblem[]> => {
  await page.evaluate(axeSource());
  // axe.run() with no context checks the whole document.
  const violations = await page.evaluate(
    async () =>
      (
        await (
          globalThis as unknown as {
            axe: { run: (opts: object) => Promise<{ violations: AxeViolation[] }> };
          }
        ).axe.run({ resultTypes: ['violations'] })
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

/** The element's box on the full-page screenshot (document pixels), within the picture's size. */
const regionOf = async (
  page: Page,
  selector: string,
  picture: { readonly width: number; readonly height: number },
): Promise<{ left: number; top: number; width: number; height: number }> => {
  const box = await page.locator(selector).first().boundingBox();
  if (box === null) throw new Error(`screen picture: nothing shown for ${selector}`);
  const [scrollX, scrollY] = await page.evaluate<[number, number]>('[window.scrollX, window.scrollY]');
  const left = Math.max(0, Math.floor(box.x + scrollX));
  const top = Math.max(0, Math.floor(box.y + scrollY));
  return {
    left,
    top,
    width: Math.min(picture.width - left, Math.ceil(box.width)),
    height: Math.min(picture.height - top, Math.ceil(box.height)),
  };
};

/**
 * Checks the page as shown and writes its screenshot as `NAME.png` (use names like
 * `tablet-summary-portrait-ja`). Throws with every problem found, so one run lists them all.
 * `focus`: the element the state is about (a panel far down the tablet's long page); the checks and
 * the full-page screenshot still cover the whole page, but the picture copied to docs/screens/ shows
 * that element only, so it shows what it is named for and the committed folder stays small.
 */
export const checkScreen = async (
  page: Page,
  name: string,
  options: { readonly focus?: string } = {},
): Promise<void> => {
  if (!/^[a-z0-9-]+$/.test(name))
    throw new Error(`screen name "${name}": lower-case letters, digits and "-"`);
  mkdirSync(SCREENS_ARTIFACTS, { recursive: true });
  const file = `${SCREENS_ARTIFACTS}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  if (process.env['EMS_SCREENS_TO_DOCS'] === '1') {
    mkdirSync(SCREENS_DOCS, { recursive: true });
    // Committed pictures stay small: 640 px wide JPEG, enough to read a screen's layout and words.
    const full = sharp(file);
    const picture = await full.metadata();
    const shown =
      options.focus === undefined
        ? full
        : full.extract(await regionOf(page, options.focus, { width: picture.width, height: picture.height }));
    await shown
      .resize({ width: 640, withoutEnlargement: true })
      .jpeg({ quality: 60 })
      .toFile(`${SCREENS_DOCS}${name}.jpg`);
  }
  const problems = await screenProblems(page);
  if (problems.length > 0) {
    throw new Error(
      `screen ${name} at ${page.viewportSize()?.width ?? '?'}×${page.viewportSize()?.height ?? '?'}:\n` +
        problems.map((p) => `  ${p.check}: ${p.detail}`).join('\n'),
    );
  }
};

export type ScreenLanguage = 'ja' | 'en';

/**
 * Checks one state of a screen at each size in both languages, named `NAME-SIZE-LANG`. The language
 * is switched as a user switches it (`?lang=`, which the gateway remembers in a cookie), by reloading
 * the page; `show` then brings back what a reload does not keep (an opened confirmation step) and
 * waits for the state. The other language is checked first and the page's own last, so the test goes
 * on in its language and at its own size.
 */
export const checkScreenLanguages = async (
  page: Page,
  name: string,
  options: {
    readonly sizes: readonly ScreenSize[];
    /** The language the test runs in; the page is left in it. */
    readonly lang: ScreenLanguage;
    /** After each reload: the page shows the state to check. */
    readonly show: () => Promise<unknown>;
    /** As checkScreen's: the element the docs picture shows. */
    readonly focus?: string;
  },
): Promise<void> => {
  const viewport = page.viewportSize();
  const failed: string[] = [];
  for (const lang of options.lang === 'ja' ? (['en', 'ja'] as const) : (['ja', 'en'] as const)) {
    const url = new URL(page.url());
    url.searchParams.set('lang', lang);
    await page.goto(url.href);
    await page.waitForSelector('[data-live][data-state=up]');
    await options.show();
    for (const size of options.sizes) {
      await page.setViewportSize(SCREEN_SIZES[size]);
      // Every size and language is checked before failing, so one run names every problem.
      const focus = options.focus === undefined ? {} : { focus: options.focus };
      await checkScreen(page, `${name}-${size}-${lang}`, focus).catch((e: unknown) => failed.push(String(e)));
    }
  }
  if (viewport !== null) await page.setViewportSize(viewport);
  if (failed.length > 0) throw new Error(failed.join('\n'));
};

/**
 * checkScreen at each size without reloading, for a state a reload would end (a page marked to show
 * it was never reloaded, a kiosk's idle, a refused post's answer): pictures named `NAME-SIZE-LANG`.
 */
export const checkScreenSizes = async (
  page: Page,
  name: string,
  options: { readonly sizes: readonly ScreenSize[]; readonly lang: ScreenLanguage },
): Promise<void> => {
  const viewport = page.viewportSize();
  const failed: string[] = [];
  for (const size of options.sizes) {
    await page.setViewportSize(SCREEN_SIZES[size]);
    await checkScreen(page, `${name}-${size}-${options.lang}`).catch((e: unknown) => failed.push(String(e)));
  }
  if (viewport !== null) await page.setViewportSize(viewport);
  if (failed.length > 0) throw new Error(failed.join('\n'));
};
