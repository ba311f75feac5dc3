export const css = `
.form{margin:0;min-width:0}
.form fieldset.group{border:var(--border) solid var(--colour-border-light);border-radius:var(--radius);padding:var(--space-3) var(--space-4);margin:0 0 var(--space-4);min-width:0}
.form fieldset.group>legend{font-weight:700;font-size:var(--font-size-m);padding:0 var(--space-2)}
`;
