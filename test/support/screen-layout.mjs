// @ts-check
/* global document, window, getComputedStyle, NodeFilter */
/**
 * The part of test/support/screen-checks.ts that runs inside the page (passed to page.evaluate):
 * plain JavaScript, because the project's TypeScript has no DOM library (nothing in src may assume a
 * browser). Its types are in screen-layout.d.mts.
 */
/** Boxes of what a user can tap and of text as laid out, as problems (empty: none). */
export const layoutProblems = () => {
  /** @type {{check: string, detail: string}[]} */
  const problems = [];
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
