export const css = `
.confirm{margin:var(--space-3) 0}
.confirm>summary{list-style:none;display:inline-flex}
.confirm>summary::-webkit-details-marker{display:none}
.confirm[open]>summary{box-shadow:none;opacity:.85}
.confirm__body{margin-top:var(--space-3);border:3px solid var(--colour-warning);border-radius:var(--radius);padding:var(--space-4);background:var(--colour-critical-bg)}
.confirm__title{margin:0 0 var(--space-2);font-size:var(--font-size-m);font-weight:700;color:var(--colour-warning-dark)}
.confirm__consequence{margin:0 0 var(--space-3)}
`;
