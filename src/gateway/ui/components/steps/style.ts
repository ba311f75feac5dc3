/**
 * A step is never narrower than its longest word (`overflow-wrap:break-word` breaks a word only when it
 * cannot fit a line, without lowering the step's min-content as the page's `anywhere` does), so a step
 * that does not fit goes to the next line whole. Japanese has no spaces and may break between any two
 * letters, so every letter was a "word" and 本人確認 broke as 本人確/認 (the tablet's steps, every
 * size): `word-break:keep-all` (CSS Text 3 §5.2) keeps a run of kanji and kana whole and breaks only
 * where the label has a break of its own (after 「・」, at a space), so 本人確認・同意 wraps as
 * 本人確認・/同意. Chromium's `auto-phrase` breaks these labels the same way but exists in Chromium
 * only; keep-all holds in every browser the crews' tablets may run.
 */
export const css = `
.steps{margin:0 0 var(--space-4)}
.steps ol{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:var(--space-2);overflow-wrap:break-word}
.steps li{flex:1 1 8rem}
.steps a,.steps span.steps__step{display:flex;align-items:center;gap:var(--space-2);min-height:var(--touch);padding:var(--space-2) var(--space-3);border:var(--border) solid var(--colour-border-light);border-radius:var(--radius);background:var(--colour-surface);color:var(--colour-text);text-decoration:none;font-weight:700}
.steps__label{word-break:keep-all}
.steps__n{display:inline-flex;align-items:center;justify-content:center;width:1.8em;height:1.8em;border-radius:50%;border:var(--border) solid currentColor;flex:none}
.steps [data-state=done] .steps__n{background:var(--colour-success);color:#fff;border-color:var(--colour-success)}
.steps [data-state=current] a,.steps [data-state=current] span.steps__step{border-color:var(--colour-brand);border-width:3px;background:var(--colour-info-bg)}
.steps [data-state=todo]{color:var(--colour-text-muted)}
`;
