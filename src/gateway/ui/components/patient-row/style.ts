export const css = `
.patient-list{list-style:none;margin:0 0 var(--space-3);padding:0;display:flex;flex-direction:column;gap:var(--space-2)}
.patient-row{display:grid;grid-template-columns:auto minmax(0,1fr) auto;gap:var(--space-2) var(--space-3);align-items:center;padding:var(--space-2) var(--space-3);border:var(--border) solid var(--colour-border-light);border-radius:var(--radius);background:var(--colour-surface)}
.patient-row[aria-current=true]{border-color:var(--colour-brand);border-width:3px;background:var(--colour-info-bg)}
.patient-row__lead{min-width:2.5em}
.patient-row__main{min-width:0}
.patient-row__title{font-weight:700;margin:0}
.patient-row__meta{margin:0;color:var(--colour-text-muted);font-size:var(--font-size-s)}
.patient-row__actions{display:flex;flex-wrap:wrap;gap:var(--space-2);justify-content:flex-end}
.patient-row__actions form{margin:0}
@media (max-width:40rem){.patient-row{grid-template-columns:auto minmax(0,1fr)}.patient-row__actions{grid-column:1/-1;justify-content:flex-start}}
`;
