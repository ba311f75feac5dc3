import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolesFor, USER_ROLES, type UserRoleName } from '../../src/gateway/index.js';
import { INSTANCES, openHarness, type Harness, type Instance } from './harness.js';

type Who = UserRoleName | 'anonymous';
const WHO: readonly Who[] = [...USER_ROLES, 'anonymous'];

const SCREEN_PANEL: Readonly<Record<Instance, string>> = {
  ambulance: 'card',
  hospital: 'incoming',
  dispatch: 'hospitals',
};

/** What each role may reach, written out by hand (not derived from the code under test). */
const ALLOWED: Readonly<Record<string, (who: Who, instance: Instance) => boolean>> = {
  'GET /healthz': () => true,
  'GET /readyz': () => true,
  'GET /metrics': () => true,
  'GET /openapi.json': () => true,
  'GET /assets/live.js': () => true,
  'GET /assets/ui.css': () => true,
  'POST /forms/draft': (who, i) => who !== 'anonymous' && rolesFor(i).includes(who),
  'GET /login': () => true,
  'POST /login': () => true,
  'POST /api/v1/login': () => true,
  'POST /logout': (who, i) => who !== 'anonymous' && rolesFor(i).includes(who),
  'GET /api/v1/session': (who, i) => who !== 'anonymous' && rolesFor(i).includes(who),
  'GET /': (who, i) => who !== 'anonymous' && rolesFor(i).includes(who),
  'GET /panels/:panel': (who, i) => who !== 'anonymous' && who !== 'admin' && rolesFor(i).includes(who),
  'GET /events': (who, i) => who !== 'anonymous' && rolesFor(i).includes(who),
  'GET /api/v1/users': (who) => who === 'admin',
  'GET /api/v1/audit': (who) => who === 'admin',
  'GET /api/v1/audit/fhir': (who) => who === 'admin',
  'GET /api/v1/audit/verify': (who) => who === 'admin',
  'GET /admin/panels/:panel': (who) => who === 'admin',
  'GET /admin/verify': (who) => who === 'admin',
  'GET /unlock': () => true,
  'POST /unlock': () => true,
  'POST /kiosk': (who, i) => (who === 'triage' || who === 'dispatcher') && rolesFor(i).includes(who),
};

/** Routes that send someone to the log-in page by design (logging off; nothing to unlock). */
const TO_LOGIN_BY_DESIGN: ReadonlySet<string> = new Set(['POST /logout', 'GET /unlock', 'POST /unlock']);

describe.each(INSTANCES)('role matrix on the %s instance', (instance) => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness(instance);
  });
  afterAll(() => h.gateway.close());

  it('has a hand-written expectation for every registered route', () => {
    const registered = h.gateway.routes.list().map((r) => `${r.method.toUpperCase()} ${r.path}`);
    // Kiosk mode is for the board and the dispatch wall: the tablet has no such route.
    const expected = Object.keys(ALLOWED).filter((k) => instance !== 'ambulance' || k !== 'POST /kiosk');
    expect(registered.sort()).toEqual(expected.sort());
  });

  it.each(WHO)(
    '%s: allowed routes answer, the rest are refused (401/303 anonymous, 403 others)',
    async (who) => {
      for (const route of h.gateway.routes.list()) {
        const key = `${route.method.toUpperCase()} ${route.path}`;
        const allowed = ALLOWED[key]?.(who, instance) ?? false;
        const session = who === 'anonymous' ? undefined : h.session(who);
        const path = route.path.replace(':panel', SCREEN_PANEL[instance]);
        const headers: Record<string, string> = session === undefined ? {} : { cookie: session.cookie };
        let body: string | undefined;
        if (route.body?.kind === 'form') {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          // Public forms (login) double-submit a pre-session cookie; the others carry the session's token.
          const token = route.access.kind === 'public' ? 'pre-session-token' : (session?.csrf ?? 'none');
          if (route.access.kind === 'public')
            headers['cookie'] = [headers['cookie'], `ems-login=${token}`].filter(Boolean).join('; ');
          body = new URLSearchParams({ _csrf: token }).toString();
        }
        if (route.body?.kind === 'json') {
          headers['content-type'] = 'application/json';
          body = '{}';
        }
        const response = await h.request(path, {
          method: route.method.toUpperCase(),
          headers,
          ...(body === undefined ? {} : { body }),
        });
        await response.body?.cancel();
        const label = `${who} ${key} → ${response.status}`;
        expect(response.status, label).toBeLessThan(500);
        if (allowed) {
          expect([401, 403], label).not.toContain(response.status);
          // Logging off lands on the login page by design; anything else sent there was refused.
          if (response.status === 303 && !TO_LOGIN_BY_DESIGN.has(key))
            expect(response.headers.get('location'), label).not.toBe('/login');
        } else if (who === 'anonymous') {
          if (route.response.kind === 'html') expect(response.headers.get('location'), label).toBe('/login');
          else expect(response.status, label).toBe(401);
        } else {
          expect(response.status, label).toBe(403);
        }
      }
    },
  );
});
