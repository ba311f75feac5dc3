import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/gateway/index.js';
import { DEMO_PRINCIPALS } from '../../src/roles/demo.js';
import { INSTANCES, type Instance } from '../gateway/harness.js';
import {
  EXPECTED,
  fillPath,
  reportOnBoard,
  routeKey,
  startRoles,
  type RunningRoles,
  type Who,
} from './running-roles.js';
import { marked, shaped, submitted, type Hints } from './schema-arbitrary.js';

interface Case {
  /** The route's key only, so a counterexample reads `POST /hospital/status`, not its schemas. */
  readonly key: string;
  readonly who: Who;
  readonly body: unknown;
  readonly params: unknown;
  readonly query: unknown;
}

/** Callers the route admits: anyone on public routes, else the instance's own people it lets in. */
const callers = (instance: Instance, route: RouteInfo): Who[] =>
  (EXPECTED[instance][routeKey(route)] ?? []).filter(
    (w) => w === 'anonymous' || (EXPECTED[instance]['GET /'] ?? []).includes(w),
  );

const caseOf = (instance: Instance, routes: readonly RouteInfo[], hints: Hints): fc.Arbitrary<Case> =>
  fc.tuple(fc.constantFrom(...routes), fc.boolean()).chain(([route, clean]) =>
    fc.record({
      key: fc.constant(routeKey(route)),
      who: fc.constantFrom(...callers(instance, route)),
      body: route.body === undefined ? fc.constant(undefined) : shaped(route.body.schema, hints, clean),
      params: route.params === undefined ? fc.constant({}) : shaped(route.params, hints, clean),
      query:
        route.query === undefined
          ? fc.dictionary(fc.constantFrom('lang', 'limit', 'error', 'panel'), marked, { maxKeys: 3 })
          : shaped(route.query, hints, clean),
    }),
  );

const asStrings = (x: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(x !== null && typeof x === 'object' ? x : {}).map(([k, v]): [string, string] => [
      k,
      typeof v === 'string' ? v : JSON.stringify(v),
    ]),
  );

/**
 * A refused form comes back with what the user typed still in its fields (issue 15, the GOV.UK
 * pattern), so a submitted string may stand in an HTML page as an input's `value` attribute or a
 * textarea's content: escaped by hono/jsx and shown to the same user only. Everywhere else (the
 * Location header, error messages, JSON, any other markup) it must never appear, which is what the
 * probes check on the rest of the answer.
 */
const keptInput = (contentType: string | null, body: string): string =>
  contentType?.startsWith('text/html') === true
    ? body.replace(/ value="[^"]*"/g, ' value=""').replace(/(<textarea\b[^>]*>)[^<]*(<\/textarea>)/g, '$1$2')
    : body;

/** Issue #7: every route of every running role fuzzed, as a caller it admits with a valid CSRF token. */
describe('every route of every running role under fuzzed input', () => {
  let rr: RunningRoles;
  const hints: Record<Instance, Hints> = {
    ambulance: { holder: ['0', '1', '2'], hospital: [DEMO_PRINCIPALS.hospitals[0]] },
    hospital: { unitId: [DEMO_PRINCIPALS.ambulance] },
    dispatch: {},
  };
  beforeAll(async () => {
    rr = await startRoles();
    // A card read and a report sent, so the forms can name a live tap and report and reach the handlers.
    const { tap, detail } = await reportOnBoard(rr);
    const reportId = detail.slice(detail.lastIndexOf('/') + 1);
    hints.ambulance = { ...hints.ambulance, tap: [tap] };
    hints.hospital = { ...hints.hospital, reportId: [reportId] };
  });
  afterAll(() => rr.demo.stop());

  it.each(INSTANCES)(
    '%s: never a 5xx, never a submitted string in the answer (body or Location)',
    async (instance) => {
      const role = rr.roles[instance];
      const routes = role.running.gateway.routes.list();
      let seq = 0;
      const next = (): number => ++seq;
      await fc.assert(
        fc.asyncProperty(caseOf(instance, routes, hints[instance]), async (c) => {
          const route = routes.find((r) => routeKey(r) === c.key) as RouteInfo;
          const probes: string[] = [];
          const body = submitted(c.body, next, probes);
          const params = asStrings(submitted(c.params, next, probes));
          const query = new URLSearchParams(asStrings(submitted(c.query, next, probes))).toString();
          const session = c.who === 'anonymous' ? undefined : role.session(c.who);
          const cookies = session === undefined ? [] : [session.cookie];
          let text: string | undefined;
          if (route.body?.kind === 'json') text = JSON.stringify(body);
          if (route.body?.kind === 'form') {
            // The session's token; on the public login form, a double-submitted pre-session one.
            const csrf = route.access.kind === 'public' ? 'pre-session-token' : (session?.csrf ?? '');
            if (route.access.kind === 'public') cookies.push(`ems-login=${csrf}`);
            text = new URLSearchParams({ ...asStrings(body), _csrf: csrf }).toString();
          }
          const response = await role.request(
            `${fillPath(route.path, params)}${query === '' ? '' : `?${query}`}`,
            {
              method: route.method.toUpperCase(),
              headers: {
                ...(cookies.length === 0 ? {} : { cookie: cookies.join('; ') }),
                ...(route.body === undefined
                  ? {}
                  : {
                      'content-type':
                        route.body.kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
                    }),
              },
              ...(text === undefined ? {} : { body: text }),
            },
          );
          const label = `${c.who} ${c.key} → ${response.status}`;
          expect(response.status, label).toBeLessThan(500);
          let answer = response.headers.get('location') ?? '';
          if (route.response.kind === 'event-stream') await response.body?.cancel();
          else answer += keptInput(response.headers.get('content-type'), await response.text());
          for (const probe of probes) expect(answer, label).not.toContain(probe);
        }),
        { numRuns: 300 },
      );
    },
  );
});
