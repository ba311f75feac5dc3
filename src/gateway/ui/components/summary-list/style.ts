export const css = `
.summary-list{display:grid;grid-template-columns:minmax(7rem,max-content) minmax(0,1fr);gap:0;margin:0 0 var(--space-4)}
.summary-list__key,.summary-list__value{margin:0;padding:var(--space-2) var(--space-3) var(--space-2) 0;border-bottom:1px solid var(--colour-border-light)}
.summary-list__key{font-weight:700}
.summary-list__value{min-width:0}
@media (max-width:30rem){.summary-list{grid-template-columns:minmax(0,1fr)}.summary-list__key{border-bottom:0;padding-bottom:0}}
`;
