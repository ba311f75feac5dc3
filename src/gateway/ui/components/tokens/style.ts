/**
 * Design tokens: every colour, space, type size and touch size the screens use, as CSS custom
 * properties in one place (GOV.UK Frontend keeps its settings the same way). Components refer to
 * `var(--…)` only. Sizes suit a 10-inch tablet used with gloves in a moving ambulance and a wall display
 * read from 3 m: touch targets ≥ 48 px (WCAG 2.5.5 asks 44), body text 20 px, focus ring 4 px yellow.
 * Colour is never the only signal: every coloured thing also carries a word.
 */
export const css = `
:root{
--colour-text:#0b0c0c;--colour-text-muted:#3d4349;--colour-page:#f3f4f1;--colour-surface:#fff;
--colour-border:#6f777b;--colour-border-light:#c9ccc4;--colour-brand:#1d2b36;--colour-focus:#ffdd00;
--colour-link:#1d4f91;
--colour-primary:#00703c;--colour-primary-dark:#004e2a;--colour-secondary:#e3e6e8;--colour-secondary-dark:#9aa0a6;
--colour-warning:#b10e1e;--colour-warning-dark:#6f0912;
--colour-critical:#b10e1e;--colour-critical-bg:#fde8e8;--colour-caution:#7a4a00;--colour-caution-bg:#fff1c7;
--colour-info:#1d4f91;--colour-info-bg:#e6eef9;--colour-success:#00703c;--colour-success-bg:#e3f3e8;
--colour-neutral:#3d4349;--colour-neutral-bg:#eceeef;
--acuity-1-bg:#1f4fd1;--acuity-1-fg:#fff;--acuity-2-bg:#c8102e;--acuity-2-fg:#fff;--acuity-3-bg:#f2c200;--acuity-3-fg:#111;
--acuity-4-bg:#1e6b2e;--acuity-4-fg:#fff;--acuity-5-bg:#fff;--acuity-5-fg:#111;
--space-1:.25rem;--space-2:.5rem;--space-3:.75rem;--space-4:1rem;--space-5:1.5rem;--space-6:2rem;
--font-body:system-ui,"Hiragino Sans","Noto Sans CJK JP","Noto Sans JP",sans-serif;
--font-size-s:1rem;--font-size-m:1.25rem;--font-size-l:1.5rem;--font-size-xl:2rem;--line-height:1.5;
--touch:48px;--radius:8px;--border:2px;--focus:4px;--measure:40rem;
}
*{box-sizing:border-box}
html{font-size:16px}
body{margin:0;font-family:var(--font-body);font-size:var(--font-size-m);line-height:var(--line-height);background:var(--colour-page);color:var(--colour-text);overflow-wrap:anywhere}
a{color:var(--colour-link)}
:focus-visible{outline:var(--focus) solid var(--colour-focus);outline-offset:0;box-shadow:0 0 0 calc(var(--focus) + 2px) var(--colour-text)}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important;border:0!important}
header.masthead{display:flex;flex-wrap:wrap;align-items:center;gap:var(--space-3);padding:var(--space-2) var(--space-4);background:var(--colour-brand);color:#fff;min-height:64px}
header.masthead h1{font-size:var(--font-size-l);margin:0;flex:1 1 12rem}
header.masthead form{display:flex;align-items:center;gap:var(--space-2);margin:0}
header.masthead .button{background:transparent;border-color:#fff;color:#fff}
main.screen{padding:var(--space-4);display:grid;gap:var(--space-4);grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr));align-items:start}
section.panel{background:var(--colour-surface);border:var(--border) solid var(--colour-border-light);border-radius:12px;padding:var(--space-4);min-width:0}
section.panel>h2{font-size:var(--font-size-l);margin:0 0 var(--space-3)}
.empty{color:var(--colour-text-muted);border:var(--border) dashed var(--colour-secondary-dark);border-radius:var(--radius);padding:var(--space-4);text-align:center}
.small{font-size:var(--font-size-s)}
.meta{color:var(--colour-text-muted);font-size:var(--font-size-s)}
table{border-collapse:collapse;width:100%}td,th{padding:var(--space-2);text-align:left;border-bottom:1px solid var(--colour-border-light);vertical-align:top}
caption{text-align:left;font-weight:700;padding-bottom:var(--space-2)}
h3{font-size:var(--font-size-m);margin:var(--space-4) 0 var(--space-2)}
input,select,textarea,button{font:inherit}
`;
