import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSTANCES } from '../gateway/harness.js';
import {
  EXPECTED,
  fillPath,
  routeKey,
  SAMPLE_PARAMS,
  startRoles,
  TO_LOGIN_BY_DESIGN,
  WHO,
  type RunningRoles,
} from './running-roles.js';

/** Issue #7: every route of every running role × every user role and anonymous. */
describe('role matrix over the running roles', () => {
  let rr: RunningRoles;
  beforeAll(async () => {
    rr = await startRoles();
  });
  afterAll(() => rr.demo.stop());

  describe.each(INSTANCES)('the %s role', (instance) => {
    it('registers exactly the routes the matrix has a row for', () => {
      const registered = rr.roles[instance].running.gateway.routes.list().map(routeKey);
      expect(registered.sort()).toEqual(Object.keys(EXPECTED[instance]).sort());
    });

    it.each(WHO)(
      '%s: allowed routes answer, the rest are refused (303 to /login or 401 anonymous, 403 others)',
      async (who) => {
        const role = rr.roles[instance];
        for (const route of role.running.gateway.routes.list()) {
          const key = routeKey(route);
          const allowed = EXPECTED[instance][key]?.includes(who) ?? false;
          // A fresh session per request: logging off ends the one it is sent with.
          const session = who === 'anonymous' ? undefined : role.session(who);
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
          const response = await role.request(fillPath(route.path, SAMPLE_PARAMS[instance]), {
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
            if (route.response.kind === 'html') {
              expect(response.status, label).toBe(303);
              expect(response.headers.get('location'), label).toBe('/login');
            } else expect(response.status, label).toBe(401);
          } else {
            expect(response.status, label).toBe(403);
          }
        }
      },
    );

    it('refuses every state-changing route cross-site, JSON ones too, even with a valid session and token', async () => {
      const role = rr.roles[instance];
      for (const route of role.running.gateway.routes.list().filter((r) => r.method !== 'get')) {
        const key = routeKey(route);
        const who = EXPECTED[instance][key]?.find((w) => w !== 'anonymous') ?? 'anonymous';
        const session = who === 'anonymous' ? undefined : role.session(who);
        const token = session?.csrf ?? 'pre-session-token';
        const headers: Record<string, string> = {
          'sec-fetch-site': 'cross-site',
          cookie: [session?.cookie, `ems-login=${token}`].filter(Boolean).join('; '),
        };
        let body = '{}';
        if (route.body?.kind === 'form') {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          body = new URLSearchParams({ _csrf: token }).toString();
        } else headers['content-type'] = 'application/json';
        const response = await role.request(fillPath(route.path, SAMPLE_PARAMS[instance]), {
          method: route.method.toUpperCase(),
          headers,
          body,
        });
        const label = `${who} ${key} cross-site → ${response.status}`;
        expect(response.status, label).toBe(403);
        expect(((await response.json()) as { code: string }).code, label).toBe('csrf-failed');
      }
    });
  });
});
