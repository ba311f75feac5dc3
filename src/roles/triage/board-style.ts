/**
 * The triage board as a wall display, read from 3 m at 1920×1080: type scales with the screen's width
 * (≈ 31 px at 1920, ≈ 21 px at 1280; 3 m needs ≥ 20 mm capitals, so the count-down and acuity are
 * 1.4 em), the incoming panel spans the whole width, and each row is a fixed grid whose cells wrap
 * inside themselves: nothing runs into the next cell, nothing covers the next row.
 */
export const BOARD_CSS = `
[data-screen=triage]{grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
[data-screen=triage] [data-panel=incoming]{grid-column:1/-1;font-size:clamp(20px,1.6vw,34px)}
[data-panel=incoming] h2{font-size:1.2em}
.board-title{font-size:1em;margin:.75em 0 .25em}
.board{list-style:none;margin:0;padding:0;display:grid;gap:.4em}
.board-row{display:grid;grid-template-columns:8.5em 7.5em 6.5em minmax(8em,2fr) minmax(7em,1fr) 6em auto;gap:.6em;align-items:center;padding:.35em .5em;border:2px solid #c9ccc4;border-radius:10px;background:#fff;line-height:1.25}
.board-row[data-alerting]{border:4px solid #c8102e;background:#fff4f4}
.board.recent .board-row{background:#eef0eb;border-style:dashed}
.board-row .cell{min-width:0;overflow-wrap:anywhere}
.board-row .c-eta strong{display:block;font-size:1.4em}
.board-row small{display:block;font-size:.7em;color:#454a4f}
.board-row .c-assurance{font-size:.7em}
.board-row .c-state{font-size:.9em}
.board-row .c-state .tag{white-space:normal;font-size:1em}
.board-row .c-open .button{white-space:nowrap;font-size:.9em;margin:0}
.c-acuity .acuity{font-size:1.1em}
.alerts{margin:0 0 .5em}
.alert-item .banner{margin:0 0 .4em}
.alert-item[data-escalated] .banner{outline:6px solid var(--acuity-3-bg)}
.alert-item .banner__title{font-size:1em}
.alert-item small{display:block}
.alert-item .button-group{margin:.3em 0 0}
.alert-item form{margin:0}
`;
