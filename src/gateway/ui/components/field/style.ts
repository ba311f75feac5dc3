export const css = `
.field{margin:0 0 var(--space-4);min-width:0}
.field__label{display:block;font-weight:700;margin:0 0 var(--space-1)}
.field__hint{display:block;color:var(--colour-text-muted);font-size:var(--font-size-s);margin:0 0 var(--space-1)}
.field__error{display:block;color:var(--colour-critical);font-weight:700;margin:0 0 var(--space-1)}
.field--error{border-left:5px solid var(--colour-critical);padding-left:var(--space-3)}
.input,.select,.textarea{display:block;width:100%;max-width:var(--measure);min-height:var(--touch);padding:var(--space-2);border:var(--border) solid var(--colour-text);border-radius:var(--radius);background:var(--colour-surface);color:var(--colour-text);font-size:var(--font-size-m)}
.select{appearance:auto}
.input--file{padding:var(--space-2) 0;border-style:dashed}
.textarea{min-height:calc(var(--touch) * 2);resize:vertical}
.input--short{max-width:6.5em}.input--medium{max-width:14em}
.field--error .input,.field--error .select,.field--error .textarea{border-color:var(--colour-critical);border-width:3px}
.field-row{display:flex;flex-wrap:wrap;gap:var(--space-3) var(--space-4);align-items:flex-start}
.field-row>.field{flex:0 1 auto}
`;
