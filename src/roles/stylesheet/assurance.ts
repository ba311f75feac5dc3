/**
 * The assurance badge's part of the one stylesheet (AssuranceBadge, src/roles/assurance-badge.tsx): a
 * strong identification boxed in green, a weak one dashed in red, on every screen that shows a patient
 * (tablet, board, detail).
 */
export const ASSURANCE_CSS = `
.assurance{border:var(--border) solid #1b5e20;padding:0 .4rem;border-radius:6px}
.assurance-weak{border:var(--border) dashed #b00}
`;
