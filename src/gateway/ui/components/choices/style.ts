export const css = `
.choices{border:0;margin:0 0 var(--space-4);padding:0;min-width:0}
.choices__legend{font-weight:700;padding:0;margin:0 0 var(--space-2);font-size:var(--font-size-m)}
.choices__items{display:flex;flex-direction:column;gap:var(--space-2)}
.choices--inline .choices__items{flex-direction:row;flex-wrap:wrap}
.choice{display:flex;align-items:center;gap:var(--space-3);min-height:var(--touch);padding:var(--space-1) var(--space-3) var(--space-1) var(--space-2);border:var(--border) solid var(--colour-border-light);border-radius:var(--radius);background:var(--colour-surface);cursor:pointer}
.choice input{width:32px;height:32px;margin:0;flex:none;accent-color:var(--colour-brand)}
.choice__hint{display:block;color:var(--colour-text-muted);font-size:var(--font-size-s)}
.choice:has(input:checked){border-color:var(--colour-brand);background:var(--colour-info-bg)}
.choices--error{border-left:5px solid var(--colour-critical);padding-left:var(--space-3)}
`;
