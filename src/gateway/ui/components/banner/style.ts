export const css = `
.banner{display:flex;gap:var(--space-3);align-items:flex-start;border:var(--border) solid;border-left-width:10px;border-radius:var(--radius);padding:var(--space-3) var(--space-4);margin:0 0 var(--space-3);min-width:0}
.banner__icon{font-size:var(--font-size-l);line-height:1;flex:none;font-weight:700}
.banner__body{min-width:0;flex:1}
.banner__title{margin:0;font-size:var(--font-size-m);font-weight:700}
.banner__body>p,.banner__body>ul{margin:var(--space-1) 0 0}
.banner--critical{background:var(--colour-critical);border-color:var(--colour-warning-dark);color:#fff}
.banner--critical a:not(.button){color:#fff}
.banner--warning{background:var(--colour-caution-bg);border-color:var(--colour-caution);color:var(--colour-text)}
.banner--info{background:var(--colour-info-bg);border-color:var(--colour-info);color:var(--colour-text)}
.banner--success{background:var(--colour-success-bg);border-color:var(--colour-success);color:var(--colour-text)}
.banners{display:flex;flex-direction:column;gap:0;margin:0 0 var(--space-4)}
`;
