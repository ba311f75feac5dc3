import { ASSURANCE_CSS } from './assurance.js';
import { DISPATCH_CSS } from './dispatch.js';
import { HOSPITAL_CSS } from './hospital.js';
import { TRIAGE_CSS } from './triage.js';

/**
 * The roles' part of the one stylesheet: each role's CSS text, handed to the gateway where the
 * roles are wired (runtime.ts) and served after the components' in /assets/ui.css, so no page carries
 * a `<style>` or a `style=` and the CSP allows `style-src 'self'` only. The gateway never imports a
 * role: it only appends what it is given. Every role serves the same sheet (one cache entry, one
 * way); each fragment is scoped to its own screen (`[data-screen=…]`, `main[data-report-detail]`) or
 * uses class names of its own. The fragments live here, not in the role folders: a role folder's
 * index loads the whole role, and every role serves the sheet, so a hospital loaded the dispatch
 * screens (and its sample region) and dispatch the triage board to serve their CSS (issue 16).
 */
export const ROLES_CSS = [ASSURANCE_CSS, TRIAGE_CSS, HOSPITAL_CSS, DISPATCH_CSS].join('\n');
