// @ts-check
/* global document, window, getComputedStyle, NodeFilter, HTMLSelectElement, Option */
/**
 * The part of test/support/screen-checks.ts that runs inside the page (passed to page.evaluate):
 * plain JavaScript, because the project's TypeScript has no DOM library (nothing in src may assume a
 * browser). Its types are in screen-layout.d.mts.
 */
/** Boxes of what a user can tap and of text as laid out, as problems (empty: none). */
export const layoutProblems = () => {
  /** @type {{check: string, detail: string}[]} */
  const problems = [];
  // Inside the function: page.evaluate sends only the function's own source to the page.
  // Where a person reads a word at a glance: the flow's steps, controls, field labels, headers.
  const LABELS = '[data-step], button, .button, [role=button], label, legend, summary, th';
  // Words of the screens' Japanese labels (the tablet's steps) that must not break inside: Japanese
  // allows a break between any two letters, and "本人確/認" reads as two words. Compounds that
  // Intl.Segmenter would cut in two (本人|確認, 搬送|先) are listed whole.
  const KEEP_WHOLE = ['本人確認', '同意', 'サマリー', '報告', '搬送先', '状態', '患者'];
  /** Where in `text` a word must stay whole: the listed words, and every katakana word ("ランキング"). */
  const wholeWords = (text) => {
    const found = new Map();
    for (const word of KEEP_WHOLE)
      for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1))
        found.set(`${at}:${word.length}`, { at, word });
    // A run of katakana (ァ-ヺ and ー, not the ・ that joins two words) is one loanword.
    for (const m of text.matchAll(/[\u30A1-\u30FA\u30FC]{3,}/g))
      found.set(`${m.index}:${m[0].length}`, { at: m.index, word: m[0] });
    return [...found.values()];
  };
  /** The nearest box from `box` up that clips (overflow hidden/clip) a part of `rects`, or null. */
  const clippedBy = (box, rects) => {
    for (let e = box; e !== null; e = e.parentElement) {
      const s = getComputedStyle(e);
      const clipsX = ['hidden', 'clip'].includes(s.overflowX);
      const clipsY = ['hidden', 'clip'].includes(s.overflowY);
      if (!clipsX && !clipsY) continue;
      const outer = e.getBoundingClientRect();
      const left = outer.left + e.clientLeft;
      const top = outer.top + e.clientTop;
      for (const r of rects) {
        const outX = r.left < left - 1 || r.right > left + e.clientWidth + 1;
        const outY = r.top < top - 2 || r.bottom > top + e.clientHeight + 2;
        if ((clipsX && outX) || (clipsY && outY)) return e;
      }
      if (clipsX && e.scrollWidth > e.clientWidth + 1 && e === box) return e;
    }
    return null;
  };
  const visible = (e) => {
    const s = getComputedStyle(e);
    const r = e.getBoundingClientRect();
    // The contents of a closed <details> (all but its summary) are not rendered for the user.
    const closed = e.closest('details:not([open])');
    if (closed !== null && e.closest('summary')?.parentElement !== closed) return false;
    return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
  };
  const describe = (e) => {
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
  // The chosen option of a closed <select> is drawn inside the box beside its arrow, where nothing
  // shows that the rest is cut off ("搬送先の病/" in portrait): the box must be as wide as a select
  // sized to that option alone (a shallow copy with only it, its width left to the browser, measures
  // text, padding and the arrow as Chromium draws them).
  for (const select of document.querySelectorAll('select')) {
    if (!(select instanceof HTMLSelectElement) || select.multiple || select.size > 1) continue;
    const chosen = select.selectedOptions[0];
    if (chosen === undefined || !visible(select)) continue;
    const probe = /** @type {HTMLSelectElement} */ (select.cloneNode(false));
    probe.removeAttribute('id');
    probe.removeAttribute('name');
    probe.append(new Option(chosen.text));
    for (const [property, value] of [
      ['position', 'absolute'],
      ['visibility', 'hidden'],
      ['width', 'auto'],
      ['min-width', '0'],
      ['max-width', 'none'],
    ])
      probe.style.setProperty(property, value, 'important');
    select.after(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    const shown = select.getBoundingClientRect().width;
    if (needed > shown + 1) {
      problems.push({
        check: 'cut-off',
        detail: `"${chosen.text.trim().slice(0, 30)}" is cut off in select${select.id === '' ? '' : `#${select.id}`}${select.name === '' ? '' : `[name=${select.name}]`} (${Math.round(shown)} px of ${Math.round(needed)} px)`,
      });
    }
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
    const text = node.textContent ?? '';
    const parent = node.parentElement;
    if (text.trim() === '' || parent === null || !visible(parent)) continue;
    if (parent.closest('script, style, noscript, template, option') !== null) continue;
    // Text for screen readers only (the components' .visually-hidden, clipped to 1 px on purpose).
    if (parent.closest('.visually-hidden') !== null) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0);
    // The nearest box that clips or draws a border: text must stay inside it.
    let box = parent;
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
    // Text cut by any box that clips (overflow hidden or clip, with or without text-overflow's
    // ellipsis), not only its own: the user cannot scroll to the rest of it.
    const clipper = clippedBy(box, rects);
    if (clipper !== null) {
      problems.push({
        check: 'overflow',
        detail: `text "${text.trim().slice(0, 30)}" is clipped in ${describe(clipper)}`,
      });
    }
    // A word of a label broken across lines ("本人確/認"): Japanese breaks between any two letters
    // unless the component keeps its words whole (the steps' word-break:keep-all).
    if (parent.closest(LABELS) !== null) {
      for (const { at, word } of wholeWords(text)) {
        const part = document.createRange();
        part.setStart(node, at);
        part.setEnd(node, at + word.length);
        const lines = new Set(
          [...part.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)),
        );
        if (lines.size > 1) {
          const label = parent.closest(LABELS) ?? parent;
          problems.push({
            check: 'split-word',
            detail: `word "${word}" breaks across lines in ${describe(label)}`,
          });
        }
      }
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
