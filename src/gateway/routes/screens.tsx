import type { Context } from 'hono';
import * as v from 'valibot';
import { kioskState, screenRoleOf, visibleSession, type Session } from '../auth/index.js';
import { readAuditFile, verifyLog } from '../audit/index.js';
import type { GatewayEnv } from '../http/env.js';
import { ApiFailure } from '../http/errors.js';
import type { RouteRegistry } from '../http/routes.js';
import { translator, type Locale } from '../i18n/index.js';
import { sseResponse } from '../live.js';
import type { GatewayParts } from '../parts.js';
import { FormId, keepDraft } from '../http/form-keeper.js';
import { PANEL_IDS, SCREEN_PANELS, type PanelContext } from '../ui/panels.js';
import {
  ADMIN_PANELS,
  AdminPanelBody,
  AdminScreen,
  AUDIT_SHOWN,
  type AdminData,
  type AuditVerification,
} from '../ui/admin-screen.js';
import { PanelContent, Screen } from '../ui/screens.js';

const PanelParams = v.object({ panel: v.picklist(PANEL_IDS) });
const AdminPanelParams = v.object({ panel: v.picklist(ADMIN_PANELS) });
const ScreenQuery = v.object({ lang: v.optional(v.string()) });
/** The draft's fields are the form's own (kept as strings, bounded); only its id is checked here. */
const DraftForm = v.object({ _csrf: v.string(), _form: FormId });

const context = (parts: GatewayParts, locale: Locale, session: Session): PanelContext => ({
  locale,
  t: translator(locale),
  now: parts.clock.now(),
  userId: session.userId,
  csrf: session.csrf,
  // Forms are kept per enrolled browser (formScope): the session's own device.
  form: (formId) => parts.forms.get(session.device, formId),
  kiosk: kioskState(session),
});

/** The screen's user: a kiosk has no client-side idle timer (the server locks its actions instead). */
const screenUser = (parts: GatewayParts, session: Session) => ({
  id: session.userId,
  csrf: session.csrf,
  idleMs: session.kiosk ? 0 : parts.sessions.limits.idleMs,
  kiosk: kioskState(session),
});

const adminData = (parts: GatewayParts, verification?: AuditVerification): AdminData => ({
  now: parts.clock.now(),
  users: parts.users.list().map((u) => ({ id: u.id, role: u.role })),
  entries: parts.audit.latest(AUDIT_SHOWN),
  chainIntact: parts.auditIntact(),
  verification,
});

const verifyAudit = (parts: GatewayParts, auditFile: string): AuditVerification => {
  const file = readAuditFile(auditFile);
  const result = verifyLog(
    file.entries,
    file.checkpoints,
    parts.device,
    parts.auditPublicKey,
    parts.verifySignature,
  );
  const at = parts.clock.now();
  return result.ok ? { intact: true, ...result.value, at } : { intact: false, problem: result.error, at };
};

const adminPage = (c: Context<GatewayEnv>, parts: GatewayParts, session: Session, data: AdminData) => {
  const locale = c.get('locale');
  return c.html(
    <AdminScreen locale={locale} t={translator(locale)} user={screenUser(parts, session)} data={data} />,
  );
};

const requireSession = (session: Session | undefined): Session => {
  if (session === undefined) throw new ApiFailure('unauthenticated');
  return session;
};

/** `/`: the instance's screen (or the admin view), its panels one by one, and the live-event stream. */
export const screenRoutes = (routes: RouteRegistry, parts: GatewayParts, auditFile: string): void => {
  const screenRole = screenRoleOf(parts.instance);
  routes.add({
    method: 'get',
    path: '/',
    summary: 'The screen: tablet, triage board or dispatch (admin: users and audit)',
    access: { kind: 'user' },
    query: ScreenQuery,
    response: { kind: 'html' },
    handler: async (c) => {
      const session = requireSession(c.get('session'));
      const locale = c.get('locale');
      const ctx = context(parts, locale, session);
      const user = screenUser(parts, session);
      if (session.role === 'admin') return adminPage(c, parts, session, adminData(parts));
      const panels = await Promise.all(
        SCREEN_PANELS[screenRole].map(async (id) => ({ id, body: await parts.panels.render(id, ctx) })),
      );
      return c.html(<Screen role={screenRole} locale={locale} t={ctx.t} user={user} panels={panels} />);
    },
  });
  routes.add({
    method: 'get',
    path: '/panels/:panel',
    summary: 'One panel of the screen, as an HTML fragment (what the live script refetches)',
    access: { kind: 'roles', roles: [screenRole] },
    params: PanelParams,
    response: { kind: 'html' },
    handler: async (c, { params }) => {
      const session = requireSession(c.get('session'));
      if (!(SCREEN_PANELS[screenRole] as readonly string[]).includes(params.panel))
        throw new ApiFailure('not-found');
      const ctx = context(parts, c.get('locale'), session);
      return c.html(
        <PanelContent id={params.panel} body={await parts.panels.render(params.panel, ctx)} t={ctx.t} />,
      );
    },
  });
  routes.add({
    method: 'post',
    path: '/forms/draft',
    summary: 'Keep unsent typing of a form (server memory only) so a reload or a refresh loses nothing',
    access: { kind: 'user' },
    body: { kind: 'form', schema: DraftForm },
    response: { kind: 'text' },
    handler: async (c) => {
      await keepDraft(c, parts.forms);
      return c.body(null, 204);
    },
  });
  routes.add({
    method: 'get',
    path: '/events',
    summary: 'Server-sent events: `panel` {id} when a panel changed, `logout` when the session ended',
    access: { kind: 'user' },
    response: { kind: 'event-stream' },
    handler: (c) => {
      const session = requireSession(c.get('session'));
      return sseResponse(c, parts.live, {
        heartbeatMs: parts.heartbeatMs,
        retryMs: 3000,
        // A session that locks ends its stream: the screen goes to the unlock form, its data gone.
        stillValid: () => visibleSession(parts.sessions.get(session.id, session.device, false)) !== undefined,
      });
    },
  });
  routes.add({
    method: 'get',
    path: '/admin/panels/:panel',
    summary: 'One panel of the admin screen (users, audit, verification), as the live script refetches it',
    access: { kind: 'roles', roles: ['admin'] },
    params: AdminPanelParams,
    response: { kind: 'html' },
    handler: (c, { params }) => {
      requireSession(c.get('session'));
      const locale = c.get('locale');
      return c.html(
        <AdminPanelBody id={params.panel} t={translator(locale)} locale={locale} data={adminData(parts)} />,
      );
    },
  });
  routes.add({
    method: 'get',
    path: '/admin/verify',
    summary: 'The admin screen with a fresh verification of the audit log (hash chain, signed checkpoints)',
    access: { kind: 'roles', roles: ['admin'] },
    query: ScreenQuery,
    response: { kind: 'html' },
    handler: (c) =>
      adminPage(c, parts, requireSession(c.get('session')), adminData(parts, verifyAudit(parts, auditFile))),
  });
};
