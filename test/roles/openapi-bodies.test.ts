import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteInfo } from '../../src/gateway/index.js';
import { INSTANCES } from '../gateway/harness.js';
import {
  EXPECTED,
  fillPath,
  routeKey,
  SAMPLE_PARAMS,
  startRoles,
  type RoleUnderTest,
  type RunningRoles,
} from './running-roles.js';

type Operation = { requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } };
type Doc = { paths: Record<string, Record<string, Operation>> };

const FORM = 'application/x-www-form-urlencoded';
const MULTIPART = 'multipart/form-data';
const JSON_TYPE = 'application/json';

/**
 * A request to the route in this media type, from a user the matrix admits (a fresh session each time:
 * some forms end the one they are sent with), carrying only what gets a body past parsing: the
 * form's token (`_csrf`; double-submitted on public forms) or an empty JSON object.
 */
const send = async (role: RoleUnderTest, route: RouteInfo, media: string): Promise<Response> => {
  const who = EXPECTED[role.instance][routeKey(route)]?.find((w) => w !== 'anonymous');
  const session = route.access.kind === 'public' || who === undefined ? undefined : role.session(who);
  const token = session?.csrf ?? 'pre-session-token';
  const headers: Record<string, string> = {
    cookie: session === undefined ? `ems-login=${token}` : session.cookie,
  };
  let body: string | FormData;
  if (media === MULTIPART) {
    body = new FormData();
    body.set('_csrf', token);
  } else {
    headers['content-type'] = media;
    body =
      media === JSON_TYPE
        ? JSON.stringify({ _csrf: token })
        : new URLSearchParams({ _csrf: token }).toString();
  }
  const response = await role.request(fillPath(route.path, SAMPLE_PARAMS[role.instance]), {
    method: route.method.toUpperCase(),
    headers,
    body,
  });
  await response.body?.cancel();
  return response;
};

/**
 * Issue 16: the OpenAPI document listed the tablet's photo upload as urlencoded, which cannot carry a
 * file; the route parses multipart/form-data. Every body route of every running role: the documented
 * media type gets past the route's body parsing (no 415; a form's token is read, so no 403), and a
 * type of the other kind is refused.
 */
describe('documented request bodies match what the routes parse', () => {
  let rr: RunningRoles;
  beforeAll(async () => {
    rr = await startRoles();
  });
  afterAll(() => rr.demo.stop());

  it('the tablet’s photo upload is multipart/form-data, its file a binary part', async () => {
    const doc = (await (await rr.roles.ambulance.request('/openapi.json')).json()) as Doc;
    const content = doc.paths['/tablet/attachments']?.['post']?.requestBody?.content ?? {};
    expect(Object.keys(content)).toEqual([MULTIPART]);
    const properties = (content[MULTIPART]?.schema['properties'] ?? {}) as Record<string, unknown>;
    expect(properties['file']).toEqual({ type: 'string', contentMediaType: 'application/octet-stream' });
    expect(content[MULTIPART]?.schema['required']).toContain('file');
  });

  it.each(INSTANCES)(
    'the %s role: each body route takes its documented type and refuses the other kind',
    async (instance) => {
      const role = rr.roles[instance];
      const doc = (await (await role.request('/openapi.json')).json()) as Doc;
      const routes = role.running.gateway.routes.list().filter((r) => r.body !== undefined);
      expect(routes.length).toBeGreaterThan(0);
      for (const route of routes) {
        const key = routeKey(route);
        const documented = Object.keys(
          doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method]?.requestBody?.content ?? {},
        );
        expect(documented, key).toHaveLength(1);
        const media = documented[0] as string;
        expect(route.body?.kind === 'json' ? [JSON_TYPE] : [FORM, MULTIPART], key).toContain(media);
        const taken = await send(role, route, media);
        expect([403, 415], `${key} as ${media} → ${taken.status}`).not.toContain(taken.status);
        const other = await send(role, route, route.body?.kind === 'json' ? FORM : JSON_TYPE);
        expect(other.status, `${key} as the other kind`).toBe(route.body?.kind === 'json' ? 415 : 403);
      }
    },
  );
});
