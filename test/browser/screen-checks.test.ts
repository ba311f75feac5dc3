import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { checkScreen, SCREEN_SIZES, screenProblems } from '../support/screen-checks.js';

/** The checks every screen test relies on must themselves catch what issue 15 found. */
describe('screen checks (overlap, overflow, cut-off selects, split labels and words, axe-core)', () => {
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

  it('finds the chosen option of a select cut off inside its box, not one that fits', async () => {
    const options =
      '<option value="a">第三次救急医療機関（救命救急センター）</option><option value="b">二次</option>';
    await show(
      `<label for="narrow">搬送先</label><select id="narrow" style="width:8em">${options}</select>` +
        `<label for="wide">種別</label><select id="wide" style="width:8em">${options.replace('value="b"', 'value="b" selected')}</select>`,
    );
    const problems = await screenProblems(page);
    expect(problems.filter((p) => p.check === 'cut-off').map((p) => p.detail)).toEqual([
      expect.stringMatching(/^"第三次救急医療機関（救命救急センター）" is cut off in select#narrow/),
    ]);
  });

  it('finds text cut by any box that clips it, sideways or below, not only its own box', async () => {
    // Each text stays inside its own box; a box further out (an ellipsis row, a fixed-height card)
    // cuts it.
    await show(
      '<div style="width:5em;overflow:hidden;text-overflow:ellipsis"><div style="width:20em">急性心筋梗塞の疑い、胸痛</div></div>' +
        '<div style="height:1.5em;overflow:hidden"><p style="margin:0">一行目</p><p style="margin:0">二行目</p></div>' +
        '<div style="width:5em;overflow:hidden"><div style="width:4em">胸痛</div></div>',
    );
    expect((await screenProblems(page)).filter((p) => p.check === 'overflow').map((p) => p.detail)).toEqual([
      'text "急性心筋梗塞の疑い、胸痛" is clipped in div "急性心筋梗塞の疑い、胸痛"',
      'text "二行目" is clipped in div "一行目二行目"',
    ]);
  });

  it('finds a known or katakana word of a label broken across lines ("本人確/認", "ランキン/グ"), not one kept whole', async () => {
    await show(
      '<nav aria-label="手順"><ol><li data-step="identity" style="width:4.5em">本人確認・同意</li>' +
        '<li data-step="kept" style="width:4.5em;word-break:keep-all">本人確認・同意</li></ol></nav>' +
        '<p style="width:3.5em">本人確認の方法</p>' +
        '<table><tr><th style="width:3em">ランキング</th><th>病院</th></tr><tr><td>1</td><td>新宿</td></tr></table>',
    );
    expect((await screenProblems(page)).filter((p) => p.check === 'split-word').map((p) => p.detail)).toEqual(
      [
        'word "本人確認" breaks across lines in li "本人確認・同意"',
        'word "ランキング" breaks across lines in th "ランキング"',
      ],
    );
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
