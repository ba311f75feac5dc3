export const css = `
.button{display:inline-flex;align-items:center;justify-content:center;gap:var(--space-2);min-height:var(--touch);min-width:var(--touch);padding:var(--space-2) var(--space-5);border:var(--border) solid var(--colour-primary-dark);border-radius:var(--radius);background:var(--colour-primary);color:#fff;font-size:var(--font-size-m);font-weight:700;line-height:1.25;text-decoration:none;cursor:pointer;box-shadow:0 3px 0 var(--colour-primary-dark);margin:0 0 var(--space-1);white-space:normal;text-align:center;word-break:keep-all;overflow-wrap:anywhere}
.button:active{transform:translateY(2px);box-shadow:none}
.button--secondary{background:var(--colour-secondary);color:var(--colour-text);border-color:var(--colour-secondary-dark);box-shadow:0 3px 0 var(--colour-secondary-dark)}
.button--warning{background:var(--colour-warning);border-color:var(--colour-warning-dark);box-shadow:0 3px 0 var(--colour-warning-dark)}
.button--warning::before{content:"⚠";font-weight:400}
.button--big{min-height:64px;font-size:var(--font-size-l);width:100%}
.button-group{display:flex;flex-wrap:wrap;gap:var(--space-3);align-items:center;margin:var(--space-3) 0}
`;
