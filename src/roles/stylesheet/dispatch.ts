/**
 * The dispatch role's part of the one stylesheet (/assets/ui.css, assembled in index.ts).
 * Every rule holds on the dispatcher's screen only (`[data-screen=dispatcher]`); `:where()` scopes the
 * generic names (`.alert`, `.hint`, `.scroll`, `.small`, `ul`) without adding specificity. A hospital's
 * data age is a `.freshness-tag` of its own, never the Tag component's `.tag`.
 */

/** Every hospital's status coloured by age, and labelled: colour is never the only signal. */
const freshness = `
:where([data-screen=dispatcher]) tr.fresh{background:#e3f4e1}
:where([data-screen=dispatcher]) tr.stale{background:#fff3cd}
:where([data-screen=dispatcher]) tr.expired{background:#eceff1;color:#454a4f}
.freshness-tag{display:inline-block;border:var(--border) solid currentColor;border-radius:6px;padding:0 .4rem;font-size:.9rem;font-weight:600}
:where([data-screen=dispatcher]) .scroll{max-height:32rem;overflow:auto}
:where([data-screen=dispatcher]) .small{font-size:.95rem}
:where([data-screen=dispatcher]) ul{margin:0;padding-left:1.1rem}
`;

/** The inquiry board: each case boxed, the escalation alert, the "every hospital answered" hint. */
const inquiries = `
:where([data-screen=dispatcher]) .case{border:var(--border) solid var(--colour-brand);border-radius:var(--radius);padding:var(--space-2) var(--space-3);margin:var(--space-2) 0}
:where([data-screen=dispatcher]) .alert{background:#8a1c1c;color:#fff;padding:var(--space-2) var(--space-3);border-radius:var(--radius);font-weight:700}
:where([data-screen=dispatcher]) .hint{background:#fff3cd;padding:var(--space-2);border-radius:var(--radius)}
:where([data-screen=dispatcher]) td[data-phase=accepted]{font-weight:700;color:#1b5e20}
:where([data-screen=dispatcher]) td[data-phase=declined],:where([data-screen=dispatcher]) td[data-phase=timedOut]{color:#8a1c1c}
`;

/**
 * The dispatcher's screen (issue 15): at a desk (1280×800) the incident and its candidates on the
 * left, the inquiries and the KPIs beside them, the hospitals' status table full width below (eight
 * columns do not fit a third of the screen: its words broke a letter a line); on the control room's
 * wall display (1920×1080) the status table under the inquiries and the KPIs. Narrower (a tablet in
 * portrait, 800 px) one column in flow order: beside the inquiries, the candidates' table got 370 px
 * and its reasons a word a line. Table cells break a word only when it cannot fit a line (the page's
 * `overflow-wrap:anywhere` sizes a column down to one letter), so columns keep their words whole.
 * A Japanese header has no spaces and broke between any two letters ("ランキン/グ" over the candidates'
 * rank, both sizes): `word-break:keep-all` (CSS Text 3 §5.2) keeps each header's words whole, so its
 * column is at least that wide.
 */
const layout = `
[data-screen=dispatcher] td,[data-screen=dispatcher] th{overflow-wrap:break-word}
[data-screen=dispatcher] th{word-break:keep-all}
main.screen[data-screen=dispatcher]{grid-template-columns:minmax(0,1fr)}
@media (min-width:1100px){
main.screen[data-screen=dispatcher]{grid-template-columns:minmax(0,3fr) minmax(0,2fr);grid-template-rows:auto 1fr auto}
main.screen[data-screen=dispatcher]>section[data-panel=incident]{grid-column:1;grid-row:1/span 2}
main.screen[data-screen=dispatcher]>section[data-panel=inquiries]{grid-column:2;grid-row:1}
main.screen[data-screen=dispatcher]>section[data-panel=kpis]{grid-column:2;grid-row:2}
main.screen[data-screen=dispatcher]>section[data-panel=hospitals]{grid-column:1/-1;grid-row:3}
}
@media (min-width:1600px){
main.screen[data-screen=dispatcher]{grid-template-columns:minmax(0,2fr) minmax(0,1fr) minmax(0,1fr);grid-template-rows:auto auto 1fr}
main.screen[data-screen=dispatcher]>section[data-panel=incident]{grid-row:1/span 3}
main.screen[data-screen=dispatcher]>section[data-panel=kpis]{grid-column:3;grid-row:1}
main.screen[data-screen=dispatcher]>section[data-panel=hospitals]{grid-column:2/span 2;grid-row:2}
}
`;

export const DISPATCH_CSS = freshness + inquiries + layout;
