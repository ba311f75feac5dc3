/**
 * Each screen's frame. The crew tablet is a guided flow: portrait (800 × 1280) one full-width column
 * in flow order; landscape (1280 × 800) the patient and summary on the left, the report beside them,
 * anything else (this shift's reports, panels other parts add) full width below. Unknown panels never
 * squeeze the form: by default they take a whole row. The pages before a session are one readable
 * column; the admin's audit table takes a whole row and scrolls in its own region, never the page.
 */
export const css = `
main.screen[data-screen=crew]{grid-template-columns:minmax(0,1fr)}
main.screen[data-screen=crew]>section.panel{grid-column:1/-1}
@media (min-width:1100px) and (orientation:landscape){
main.screen[data-screen=crew]{grid-template-columns:minmax(0,5fr) minmax(0,6fr)}
main.screen[data-screen=crew]>section.panel[data-panel=card]{grid-column:1;grid-row:1}
main.screen[data-screen=crew]>section.panel[data-panel=summary]{grid-column:1;grid-row:2}
main.screen[data-screen=crew]>section.panel[data-panel=report]{grid-column:2;grid-row:1/span 2}
}
.identity-choice,.consent{display:flex;flex-direction:column;gap:var(--space-3);margin:0 0 var(--space-4)}
.identity-choice form,.consent form{margin:0}
section.patients,section.case{margin:0 0 var(--space-4)}
.demo.group{border:var(--border) dashed var(--colour-secondary-dark);border-radius:var(--radius);padding:var(--space-3) var(--space-4);margin:var(--space-4) 0 0}
[data-summary] .section{border-top:1px solid var(--colour-border-light);padding-top:var(--space-2)}
main.screen.sign-in{grid-template-columns:minmax(0,var(--measure));justify-content:center}
.sign-in .instance{margin:0 0 var(--space-4)}
main.screen[data-screen=admin]>section.panel[data-panel=audit]{grid-column:1/-1}
.table-scroll{overflow-x:auto;max-width:100%}
.table-scroll th{white-space:nowrap}.table-scroll td{word-break:keep-all}
[data-summary] ul{padding-left:var(--space-5);margin:var(--space-2) 0}
`;
