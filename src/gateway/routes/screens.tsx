import * as v from 'valibot';
import { screenRoleOf } from '../auth/roles.js';
import type { Session } from '../auth/sessions.js';
import { ApiFailure } from '../http/errors.js';
import type { RouteRegistry } from '../http/routes.js';
import { translator, type Locale } from '../i18n/index.js';
import { sseResponse } from '../live.js';
import type { GatewayParts } from '../parts.js';
import { FormId, keepDraft } from '../http/form-keeper.js';
import { PANEL_IDS, SCREEN_PANELS, type PanelContext } from '../ui/panels.js';
import { AdminScreen, PanelContent, Screen } from '../ui/screens.js';

const PanelParams = v.object({ panel: v.picklist(PANEL_IDS) });
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
});

const requireSession = (session: Session | undefined): Session => {
  if (session === undefined) throw new ApiFailure('unauthenticated');
  return session;
};

/** `/`: the instance's screen (or the admin view), its panels one by one, and the live-event stream. */
export const screenRoutes = (routes: RouteRegistry, parts: GatewayParts): void => {
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
      const user = { id: session.userId, csrf: session.csrf, idleMs: parts.sessions.limits.idleMs };
      if (session.role === 'admin') {
        return c.html(
          <AdminScreen
            locale={locale}
            t={ctx.t}
            user={user}
            now={ctx.now}
            users={parts.users.list().map((u) => ({ id: u.id, role: u.role }))}
            entries={parts.audit.latest(20)}
            chainIntact={parts.auditIntact()}
          />,
        );
      }
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
        stillValid: () => parts.sessions.get(session.id, session.device, false) !== undefined,
      });
    },
  });
};
