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
.board-row .c-open .button{white-space:nowrap;font-size:.9em;display:inline-block;text-decoration:none}
.acuity{display:inline-block;border:2px solid #111;border-radius:8px;padding:.05em .4em;font-weight:700}
.c-acuity .acuity{font-size:1.1em}
.legend{display:flex;flex-wrap:wrap;gap:.3em 1em;align-items:center;margin:0 0 .5em;font-size:.7em}
.legend dt{font-weight:700}.legend dd{margin:0}
.alerts{display:grid;gap:.4em;margin:0 0 .75em;padding:0;list-style:none}
.alert-item{display:grid;grid-template-columns:minmax(0,1fr) auto;gap:.6em;align-items:center;padding:.4em .6em;border-radius:10px;background:#c8102e;color:#fff;border:3px solid #5c0f0f}
.alert-item[data-escalated]{background:#5c0f0f;outline:6px solid #f2c200}
.alert-item .what{font-weight:700;min-width:0;overflow-wrap:anywhere}
.alert-item small{display:block;font-weight:400}
.alert-item form{margin:0}
.alert-item button,.alert-item .button{background:#fff;color:#111;border-color:#fff;white-space:nowrap;font-size:.9em}
.alert-actions{display:flex;gap:.5em;align-items:center}
`;
