export const css = `
.error-summary{border:5px solid var(--colour-critical);background:var(--colour-surface);padding:var(--space-4);margin:0 0 var(--space-5)}
.error-summary__title{margin:0 0 var(--space-3);font-size:var(--font-size-l)}
.error-summary ul{margin:0;padding:0;list-style:none}
.error-summary li{margin:0 0 var(--space-2)}
.error-summary a{color:var(--colour-critical);font-weight:700;display:inline-block;min-height:var(--touch);padding:var(--space-2) 0}
`;
