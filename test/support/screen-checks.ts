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
 * - a closed select shows its chosen option whole (nothing marks the cut end inside the box);
 * - no listed or katakana word of a label breaks across lines ("本人確/認", "ランキン/グ");
 * - the page does not scroll sideways at its width (WCAG 1.4.10 reflow);
 * - axe-core (Deque's rules engine) finds no serious or critical violation.
 * Each check names the screen and the elements, so a failure says where to look.
 */

/**
 * The sizes issue 15 names, at which every screen is checked whatever its role (issue 15's gap): the
 * crew's tablet is turned both ways, a hospital opens its triage board on a desk tablet in portrait
 * and on the wall, dispatch on a desk monitor and a wall, and an admin any page on a laptop.
 */
export const SCREEN_SIZES = {
  landscape: { width: 1280, height: 800 },
  portrait: { width: 800, height: 1280 },
  wall: { width: 1920, height: 1080 },
} as const;
export type ScreenSize = keyof typeof SCREEN_SIZES;

export interface ScreenProblem {
  readonly check:
    'overlap' | 'overflow' | 'cut-off' | 'split-label' | 'split-word' | 'sideways-scroll' | 'axe';
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

/**
 * The part of the full-page screenshot the docs picture shows (document pixels): the element the state
 * is about, or else the screen as the user sees it where the page is scrolled.
 */
const regionOf = async (
  page: Page,
  focus: string | undefined,
  picture: { readonly width: number; readonly height: number },
): Promise<{ left: number; top: number; width: number; height: number }> => {
  const [scrollX, scrollY] = await page.evaluate<[number, number]>('[window.scrollX, window.scrollY]');
  const viewport = page.viewportSize() ?? picture;
  const box =
    focus === undefined
      ? { x: 0, y: 0, width: viewport.width, height: viewport.height }
      : await page.locator(focus).first().boundingBox();
  if (box === null) throw new Error(`screen picture: nothing shown for ${focus ?? 'the page'}`);
  const left = Math.max(0, Math.floor(box.x + scrollX));
  const top = Math.max(0, Math.floor(box.y + scrollY));
  return {
    left,
    top,
    width: Math.min(picture.width - left, Math.ceil(box.width)),
    // A panel longer than a screen and a half is pictured by its top: the state is named there.
    height: Math.min(picture.height - top, Math.ceil(box.height), Math.round(viewport.height * 1.5)),
  };
};

/**
 * The committed picture of a state (docs/decisions.md, "Screen pictures in docs"): what the state is
 * about (its focus element, or the screen as seen; at most a screen and a half of it), at most 640 px
 * wide (a panel narrower than that keeps its size, so its words stay readable), as a JPEG of quality
 * 50. The checks cover the whole page at every size whatever the picture shows.
 */
const writeDocsPicture = async (
  page: Page,
  png: string,
  name: string,
  focus: string | undefined,
): Promise<void> => {
  mkdirSync(SCREENS_DOCS, { recursive: true });
  const full = sharp(png);
  const { width = 0, height = 0 } = await full.metadata();
  const region = await regionOf(page, focus, { width, height });
  await full
    .extract(region)
    .resize({ width: 640, withoutEnlargement: true })
    .jpeg({ quality: 50, mozjpeg: true })
    .toFile(`${SCREENS_DOCS}${name}.jpg`);
};

/**
 * Checks the page as shown and writes its full-page screenshot as `NAME.png` to test-artifacts/screens/
 * (use names like `tablet-summary-portrait-ja`). Throws with every problem found, so one run lists them
 * all. With EMS_SCREENS_TO_DOCS=1 and `docs`, also writes the committed picture `docs/screens/NAME.jpg`;
 * `focus`: the element that picture shows (a panel far down the tablet's long page).
 */
export const checkScreen = async (
  page: Page,
  name: string,
  options: { readonly focus?: string; readonly docs?: boolean } = {},
): Promise<void> => {
  if (!/^[a-z0-9-]+$/.test(name))
    throw new Error(`screen name "${name}": lower-case letters, digits and "-"`);
  mkdirSync(SCREENS_ARTIFACTS, { recursive: true });
  const file = `${SCREENS_ARTIFACTS}${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  if (options.docs === true && process.env['EMS_SCREENS_TO_DOCS'] === '1')
    await writeDocsPicture(page, file, name, options.focus);
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
 * The sizes to check a page at, its own size (the one the test opened it at) last so the test goes on
 * at it, and which one is pictured in docs: the page's own, else the tablet's landscape.
 */
const sizesFor = (page: Page): { readonly order: readonly ScreenSize[]; readonly pictured: ScreenSize } => {
  const viewport = page.viewportSize();
  const all = Object.keys(SCREEN_SIZES) as ScreenSize[];
  const own =
    all.find(
      (s) => SCREEN_SIZES[s].width === viewport?.width && SCREEN_SIZES[s].height === viewport.height,
    ) ?? 'landscape';
  return { order: [...all.filter((s) => s !== own), own], pictured: own };
};

/**
 * checkScreen at every size (SCREEN_SIZES) without reloading, named `NAME-SIZE-LANG`: every size is
 * checked before failing, so one run names every problem. The page is left at its own size.
 */
const checkEverySize = async (
  page: Page,
  name: string,
  lang: ScreenLanguage,
  options: { readonly focus?: string; readonly docs: boolean },
): Promise<string[]> => {
  const viewport = page.viewportSize();
  const { order, pictured } = sizesFor(page);
  const failed: string[] = [];
  for (const size of order) {
    await page.setViewportSize(SCREEN_SIZES[size]);
    await checkScreen(page, `${name}-${size}-${lang}`, {
      ...(options.focus === undefined ? {} : { focus: options.focus }),
      docs: options.docs && size === pictured,
    }).catch((e: unknown) => failed.push(String(e)));
  }
  if (viewport !== null) await page.setViewportSize(viewport);
  return failed;
};

/**
 * Checks one state of a screen at every size in both languages, named `NAME-SIZE-LANG`; docs pictures
 * it at the page's own size in both languages. The language is switched as a user switches it
 * (`?lang=`, which the gateway remembers in a cookie), by reloading the page; `show` then brings back
 * what a reload does not keep (an opened confirmation step, a refused form posted again) and waits for
 * the state. The other language is checked first and the page's own last, so the test goes on in its
 * language and at its own size.
 */
export const checkScreenLanguages = async (
  page: Page,
  name: string,
  options: {
    /** The language the test runs in; the page is left in it. */
    readonly lang: ScreenLanguage;
    /** After each reload: the page shows the state to check. */
    readonly show: () => Promise<unknown>;
    /** As checkScreen's: the element the docs picture shows. */
    readonly focus?: string;
  },
): Promise<void> => {
  const failed: string[] = [];
  for (const lang of options.lang === 'ja' ? (['en', 'ja'] as const) : (['ja', 'en'] as const)) {
    const url = new URL(page.url());
    url.searchParams.set('lang', lang);
    await page.goto(url.href);
    // A screen with live updates is shown once its stream is connected (the log-in page has none):
    // up, or degraded when the gateway's own link is down, a state the tablet must show too.
    if ((await page.$('[data-live]')) !== null)
      await page.waitForSelector('[data-live]:is([data-state=up], [data-state=degraded])');
    await options.show();
    const focus = options.focus === undefined ? {} : { focus: options.focus };
    failed.push(...(await checkEverySize(page, name, lang, { ...focus, docs: true })));
  }
  if (failed.length > 0) throw new Error(failed.join('\n'));
};

/**
 * checkScreen at every size without reloading, for a state a reload would end (the answer to a late
 * inquiry answer, which only a page drawn before the deadline can post): the test reaches the state in
 * each language itself and calls this once per language.
 */
export const checkScreenSizes = async (
  page: Page,
  name: string,
  options: { readonly lang: ScreenLanguage; readonly focus?: string },
): Promise<void> => {
  const failed = await checkEverySize(page, name, options.lang, {
    ...(options.focus === undefined ? {} : { focus: options.focus }),
    docs: true,
  });
  if (failed.length > 0) throw new Error(failed.join('\n'));
};
