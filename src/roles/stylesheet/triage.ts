/**
 * The triage role's part of the one stylesheet (/assets/ui.css, assembled in index.ts).
 * Its rules hold on the triage board (`[data-screen=triage]`) and the report's detail page
 * (`main[data-report-detail]`) only: `:where()` scopes them without adding specificity, so they weigh
 * what they weighed when each page carried them in a `<style>` of its own.
 *
 * The board as a wall display, read from 3 m at 1920×1080: type scales with the screen's width
 * (≈ 31 px at 1920, ≈ 21 px at 1280; 3 m needs ≥ 20 mm capitals, so the count-down and acuity are
 * 1.4 em), the incoming panel spans the whole width, and each row is a fixed grid whose cells wrap
 * inside themselves: nothing runs into the next cell, nothing covers the next row. Narrower than the
 * seven cells' ~1,050 px (a desk tablet in portrait, 800 px), a row takes two lines: what the desk
 * plans with (acuity, ETA, age and sex, open) first, the complaint, identity and state below.
 */
const board = `
[data-screen=triage]{grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
[data-screen=triage] [data-panel=incoming]{grid-column:1/-1;font-size:clamp(20px,1.6vw,34px)}
:where([data-screen=triage]) [data-panel=incoming] h2{font-size:1.2em}
:where([data-screen=triage],main[data-report-detail]) .board-title{font-size:1em;margin:.75em 0 .25em}
:where([data-screen=triage],main[data-report-detail]) .board{list-style:none;margin:0;padding:0;display:grid;gap:.4em}
:where([data-screen=triage],main[data-report-detail]) .board-row{display:grid;grid-template-columns:8.5em 7.5em 6.5em minmax(8em,2fr) minmax(7em,1fr) 6em auto;gap:.6em;align-items:center;padding:.35em .5em;border:var(--border) solid var(--colour-border-light);border-radius:10px;background:var(--colour-surface);line-height:1.25}
:where([data-screen=triage],main[data-report-detail]) .board-row[data-alerting]{border:4px solid var(--acuity-2-bg);background:#fff4f4}
:where([data-screen=triage],main[data-report-detail]) .board.recent .board-row{background:#eef0eb;border-style:dashed}
:where([data-screen=triage],main[data-report-detail]) .board-row .cell{min-width:0;overflow-wrap:anywhere}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-eta strong{display:block;font-size:1.4em}
:where([data-screen=triage],main[data-report-detail]) .board-row small{display:block;font-size:.7em;color:#454a4f}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-assurance{font-size:.7em}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-state{font-size:.9em}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-state .tag{white-space:normal;font-size:1em}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-open .button{white-space:nowrap;font-size:.9em;margin:0}
:where([data-screen=triage],main[data-report-detail]) .c-acuity .acuity{font-size:1.1em}
@media (max-width:1100px){
:where([data-screen=triage],main[data-report-detail]) .board-row{grid-template-columns:8.5em 7.5em minmax(0,1fr) auto;grid-template-areas:"acuity eta who open" "complaint complaint assurance state"}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-acuity{grid-area:acuity}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-eta{grid-area:eta}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-who{grid-area:who}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-complaint{grid-area:complaint}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-assurance{grid-area:assurance}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-state{grid-area:state}
:where([data-screen=triage],main[data-report-detail]) .board-row .c-open{grid-area:open}
}
:where([data-screen=triage],main[data-report-detail]) .alerts{margin:0 0 .5em}
:where([data-screen=triage],main[data-report-detail]) .alert-item .banner{margin:0 0 .4em}
:where([data-screen=triage],main[data-report-detail]) .alert-item[data-escalated] .banner{outline:6px solid var(--acuity-3-bg)}
:where([data-screen=triage],main[data-report-detail]) .alert-item .banner__title{font-size:1em}
:where([data-screen=triage],main[data-report-detail]) .alert-item small{display:block}
:where([data-screen=triage],main[data-report-detail]) .alert-item .button-group{margin:.3em 0 0}
:where([data-screen=triage],main[data-report-detail]) .alert-item form{margin:0}
`;

/**
 * The report's detail page (not a \`main.screen\` grid: one column), its summary sections and its
 * attachments. A section that is unavailable or partial is boxed in amber so it is never read as
 * complete (dashed: nothing came; solid: some came); "none known" in bold, as the source said it.
 */
const detail = `
main[data-report-detail]{display:block}
.section-status--unavailable,.section-status--partial{border:var(--border) dashed #8a5a00;background:#fff6e0;padding:var(--space-1) var(--space-2);border-radius:6px;font-weight:700}
.section-status--partial{border-style:solid}
.section-status--none-known{font-weight:700}
.section-provenance{font-size:.9rem;color:#454a4f}
.attachment-list{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:var(--space-4)}
.attachment-list>li[data-kind=photo]{max-width:100%}
.attachment-list figure{margin:0}
.attachment-list img{display:block;max-width:min(100%,40rem);height:auto}
`;

export const TRIAGE_CSS = board + detail;
