export const css = `
.timeline{list-style:none;margin:0 0 var(--space-3);padding:0 0 0 var(--space-4);border-left:4px solid var(--colour-border-light)}
.timeline__item{position:relative;margin:0 0 var(--space-3);padding-left:var(--space-3)}
.timeline__item::before{content:"";position:absolute;left:calc(-1 * var(--space-4) - 10px);top:.45em;width:16px;height:16px;border-radius:50%;background:var(--colour-surface);border:3px solid var(--colour-border)}
.timeline__item--done::before{background:var(--colour-success);border-color:var(--colour-success)}
.timeline__item--current::before{background:var(--colour-info);border-color:var(--colour-info)}
.timeline__item--danger::before{background:var(--colour-critical);border-color:var(--colour-critical)}
.timeline__label{font-weight:700;margin:0}
.timeline__time{color:var(--colour-text-muted);font-size:var(--font-size-s)}
.timeline__detail{margin:0}
`;
