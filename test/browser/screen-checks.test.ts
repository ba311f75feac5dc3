import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { checkScreen, SCREEN_SIZES, screenProblems } from '../support/screen-checks.js';

/** The checks every screen test relies on must themselves catch what issue 15 found. */
describe('screen checks (overlap, overflow, split labels, axe-core)', () => {
  let chromiumBrowser: Browser;
  let page: Page;

  beforeAll(async () => {
    chromiumBrowser = await launchChromium();
    page = await chromiumBrowser.newPage({ viewport: SCREEN_SIZES.landscape });
  });

  afterAll(async () => {
    await chromiumBrowser?.close();
  });

  const show = async (body: string): Promise<void> => {
    await page.setContent(
      `<!doctype html><html lang="ja"><head><title>t</title><style>body{font:20px sans-serif}</style></head><body><main><h1>画面</h1>${body}</main></body></html>`,
    );
  };

  it('passes a page whose controls and text each keep their own box', async () => {
    await show('<p>トリアージ</p><button type="button">開く</button> <a href="/x">詳細</a>');
    expect(await screenProblems(page)).toEqual([]);
    await checkScreen(page, 'screen-checks-clean');
  });

  it('finds a button that overlaps the next row', async () => {
    await show(
      '<div style="height:30px"><button type="button" style="height:60px">開く</button></div><div><button type="button">受入</button></div>',
    );
    const problems = await screenProblems(page);
    expect(problems.map((p) => p.check)).toContain('overlap');
    await expect(checkScreen(page, 'screen-checks-overlap')).rejects.toThrow(
      /overlap: button "開く" overlaps button "受入"/,
    );
  });

  it('finds a short label broken inside ("開/く") and text leaving its box', async () => {
    await show(
      '<button type="button" style="width:1.2em;padding:0">開く</button><div style="width:60px;white-space:nowrap">デモ救急0165歳デモ救急0165歳</div>',
    );
    const checks = (await screenProblems(page)).map((p) => p.check);
    expect(checks).toContain('split-label');
    expect(checks).toContain('overflow');
  });

  it('finds a page that scrolls sideways and a serious axe-core violation', async () => {
    await show('<div style="width:3000px">幅</div><button type="button"></button><input type="text">');
    const problems = await screenProblems(page);
    expect(problems.map((p) => p.check)).toContain('sideways-scroll');
    expect(
      problems
        .filter((p) => p.check === 'axe')
        .map((p) => p.detail)
        .join('\n'),
    ).toMatch(/button-name|label/);
  });
});
