export const css = `
.tag{display:inline-block;padding:var(--space-1) var(--space-3);border:var(--border) solid;border-radius:var(--radius);font-weight:700;font-size:var(--font-size-s);line-height:1.4;max-width:100%;vertical-align:middle}
.tag--neutral{background:var(--colour-neutral-bg);color:var(--colour-neutral);border-color:var(--colour-neutral)}
.tag--info{background:var(--colour-info-bg);color:var(--colour-info);border-color:var(--colour-info)}
.tag--success{background:var(--colour-success-bg);color:var(--colour-success);border-color:var(--colour-success)}
.tag--warning{background:var(--colour-caution-bg);color:var(--colour-caution);border-color:var(--colour-caution)}
.tag--danger{background:var(--colour-critical);color:#fff;border-color:var(--colour-warning-dark)}
.acuity{display:inline-flex;align-items:center;justify-content:center;min-width:2.2em;padding:var(--space-1) var(--space-2);border:var(--border) solid var(--colour-text);border-radius:var(--radius);font-weight:700}
.acuity--1{background:var(--acuity-1-bg);color:var(--acuity-1-fg)}.acuity--2{background:var(--acuity-2-bg);color:var(--acuity-2-fg)}
.acuity--3{background:var(--acuity-3-bg);color:var(--acuity-3-fg)}.acuity--4{background:var(--acuity-4-bg);color:var(--acuity-4-fg)}
.acuity--5{background:var(--acuity-5-bg);color:var(--acuity-5-fg)}
.acuity-legend{list-style:none;margin:0 0 var(--space-3);padding:0;display:flex;flex-wrap:wrap;gap:var(--space-2) var(--space-4);font-size:var(--font-size-s)}
.acuity-legend li{display:flex;align-items:center;gap:var(--space-2)}
.tags{display:inline-flex;flex-wrap:wrap;gap:var(--space-2);vertical-align:middle}
`;
