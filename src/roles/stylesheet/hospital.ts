/**
 * The hospital desk's part of the one stylesheet (/assets/ui.css, assembled in index.ts):
 * its status form and inquiries, on the triage screen (`[data-screen=triage]`, panels `status` and
 * `inquiry-requests`). `:where()` keeps the rules on that screen without adding specificity.
 */
export const HOSPITAL_CSS = `
:where([data-screen=triage]) .chk{display:flex;flex-wrap:wrap;gap:var(--space-1) var(--space-4)}
:where([data-screen=triage]) .chk label{display:flex;align-items:center;gap:.4rem;font-weight:400;margin:var(--space-1) 0}
:where([data-screen=triage]) .chk input{width:28px;min-height:28px}
:where([data-screen=triage]) .inq{border:var(--border) solid var(--colour-brand);border-radius:var(--radius);padding:var(--space-3);margin:var(--space-2) 0}
:where([data-screen=triage]) .inq.closed{opacity:.7;border-style:dashed}
:where([data-screen=triage]) .inq form{display:inline-flex;flex-wrap:wrap;gap:var(--space-2);margin:var(--space-1) var(--space-2) var(--space-1) 0}
:where([data-screen=triage]) .inq button{white-space:nowrap}
:where([data-screen=triage]) .decline{background:#8a1c1c;border-color:#8a1c1c;color:#fff}
:where([data-screen=triage]) .warn{color:#8a1c1c;font-weight:600}
`;
