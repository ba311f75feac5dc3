/**
 * Bare elements of screens not yet built from components (no class of ours): the size and contrast
 * they had before, so nothing shrinks below 48 px while screens move over. A component's own class
 * always wins (`:where` keeps these at zero specificity).
 */
export const css = `
:where(button:not([class]),a.button-legacy){font-size:var(--font-size-m);min-height:var(--touch);min-width:var(--touch);border-radius:var(--radius);padding:var(--space-2) var(--space-5);border:var(--border) solid var(--colour-brand);background:var(--colour-brand);color:#fff;cursor:pointer}
:where(input:not([class]):not([type=checkbox]):not([type=radio]):not([type=hidden]),select:not([class]),textarea:not([class])){font-size:var(--font-size-m);min-height:var(--touch);border-radius:var(--radius);padding:var(--space-2);border:var(--border) solid var(--colour-text-muted);width:100%;max-width:100%}
:where(label:not([class])){display:block;margin:var(--space-3) 0 var(--space-1);font-weight:600}
:where(.error){background:var(--colour-critical-bg);border:var(--border) solid var(--colour-critical);color:var(--colour-warning-dark);padding:var(--space-3);border-radius:var(--radius)}
.live{font-size:var(--font-size-s);padding:var(--space-1) var(--space-3);border-radius:999px;border:var(--border) solid #fff;font-weight:700;white-space:nowrap}
.live[data-state=up]{background:var(--colour-success)}
.live[data-state=down],.live[data-state=stale]{background:var(--colour-critical)}
.live[data-state=degraded]{background:var(--colour-caution-bg);color:var(--colour-text)}
`;
