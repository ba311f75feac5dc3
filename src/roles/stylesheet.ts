import { ASSURANCE_CSS } from './assurance-badge.js';
import { DISPATCH_CSS } from './dispatch/index.js';
import { HOSPITAL_CSS } from './hospital/index.js';
import { TRIAGE_CSS } from './triage/index.js';

/**
 * The roles' part of the one stylesheet: each role folder's CSS text, handed to the gateway where the
 * roles are wired (runtime.ts) and served after the components' in /assets/ui.css, so no page carries
 * a `<style>` or a `style=` and the CSP allows `style-src 'self'` only. The gateway never imports a
 * role: it only appends what it is given. Every role serves the same sheet (one cache entry, one
 * way); each fragment is scoped to its own screen (`[data-screen=…]`, `main[data-report-detail]`) or
 * uses class names of its own.
 */
export const ROLES_CSS = [ASSURANCE_CSS, TRIAGE_CSS, HOSPITAL_CSS, DISPATCH_CSS].join('\n');
