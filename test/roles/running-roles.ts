import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RouteInfo, UserRoleName } from '../../src/gateway/index.js';
import { createLogger } from '../../src/log/index.js';
import { DEMO_PRINCIPALS, startDemo, type RunningDemo } from '../../src/roles/demo.js';
import { newFormKey } from '../../src/roles/tablet/index.js';
import { waitFor } from '../support/wait.js';
import type { RunningRole } from '../../src/roles/index.js';
import type { Instance } from '../gateway/harness.js';
import { directSession } from '../support/sessions.js';

export type Who = UserRoleName | 'anonymous';
export const WHO: readonly Who[] = ['crew', 'triage', 'dispatcher', 'admin', 'anonymous'];

const ANYONE = WHO;
const ADMITTED: Readonly<Record<Instance, readonly Who[]>> = {
  ambulance: ['crew', 'admin'],
  hospital: ['triage', 'admin'],
  dispatch: ['dispatcher', 'admin'],
};
const SCREEN: Readonly<Record<Instance, readonly Who[]>> = {
  ambulance: ['crew'],
  hospital: ['triage'],
  dispatch: ['dispatcher'],
};
const ADMIN: readonly Who[] = ['admin'];

/** What every instance serves from the gateway itself (screens, log-in, admin, system). */
const common = (i: Instance): Record<string, readonly Who[]> => ({
  'GET /healthz': ANYONE,
  'GET /readyz': ANYONE,
  'GET /metrics': ANYONE,
  'GET /openapi.json': ANYONE,
  'GET /assets/live.js': ANYONE,
  'GET /assets/ui.css': ANYONE,
  'POST /forms/draft': ADMITTED[i],
  'GET /login': ANYONE,
  'POST /login': ANYONE,
  'POST /api/v1/login': ANYONE,
  'POST /logout': ADMITTED[i],
  'GET /api/v1/session': ADMITTED[i],
  'GET /': ADMITTED[i],
  'GET /panels/:panel': SCREEN[i],
  'GET /events': ADMITTED[i],
  'GET /api/v1/users': ADMIN,
  'GET /api/v1/audit': ADMIN,
  'GET /api/v1/audit/fhir': ADMIN,
  'GET /api/v1/audit/verify': ADMIN,
  'GET /admin/panels/:panel': ADMIN,
  'GET /admin/verify': ADMIN,
  'GET /unlock': ANYONE,
  'POST /unlock': ANYONE,
  // The demo's one-time log-in links (only `startDemo` registers them).
  'GET /login/demo/:token': ANYONE,
  'POST /login/demo': ANYONE,
  ...(i === 'ambulance' ? {} : { 'POST /kiosk': SCREEN[i] }),
});

/** Routes that send someone to the log-in page by design (logging off; nothing to unlock). */
export const TO_LOGIN_BY_DESIGN: ReadonlySet<string> = new Set([
  'POST /logout',
  'GET /unlock',
  'POST /unlock',
  'POST /login/demo',
]);

/**
 * Who may reach each route of each running role, written out by hand (not derived from the code under
 * test): a route a role registers without a row here fails the matrix.
 */
export const EXPECTED: Readonly<Record<Instance, Readonly<Record<string, readonly Who[]>>>> = {
  ambulance: {
    ...common('ambulance'),
    'POST /tablet/identify': ['crew'],
    'POST /tablet/consent': ['crew'],
    'POST /tablet/retry': ['crew'],
    'POST /tablet/report': ['crew'],
    'POST /tablet/divert': ['crew'],
    'POST /tablet/cancel': ['crew'],
    'POST /tablet/handover': ['crew'],
    'POST /tablet/attachments': ['crew'],
    'POST /tablet/patient/new': ['crew'],
    'POST /tablet/patient/select': ['crew'],
    'POST /tablet/patient/discard': ['crew'],
    'POST /tablet/milestone': ['crew'],
    'POST /tablet/demo/insert': ['crew'],
    'POST /tablet/demo/remove': ['crew'],
    'GET /assets/zxing.js': ANYONE,
    'GET /assets/qr.js': ANYONE,
    'POST /tablet/qr/codes': ['crew'],
    'POST /tablet/qr/finish': ['crew'],
    'POST /tablet/qr/discard': ['crew'],
    'POST /tablet/qr/confirm': ['crew'],
    'POST /tablet/demo/okusuri-techo': ['crew'],
    'POST /tablet/threads/:reportId/send': ['crew'],
    'POST /tablet/threads/:reportId/read': ['crew'],
    'GET /assets/geo.js': ANYONE,
    'POST /api/v1/tablet/position': ['crew'],
    'POST /tablet/eta/manual': ['crew'],
    'POST /tablet/eta/clear': ['crew'],
    'POST /tablet/lookup': ['crew'],
    'POST /tablet/lookup/confirm': ['crew'],
    'POST /tablet/lookup/none': ['crew'],
    'POST /tablet/card/attach': ['crew'],
  },
  hospital: {
    ...common('hospital'),
    'GET /assets/triage.js': ANYONE,
    'GET /triage/reports/:unitId/:reportId': ['triage'],
    'POST /triage/reports/:unitId/:reportId/viewed': ['triage'],
    'POST /triage/reports/:unitId/:reportId/answer': ['triage'],
    'POST /triage/reports/:unitId/:reportId/handover': ['triage'],
    'POST /triage/alerts/ack': ['triage'],
    'POST /api/v1/triage/reports/:unitId/:reportId/answer': ['triage'],
    'GET /api/v1/triage/reports/:unitId/:reportId/fhir': ['triage'],
    'GET /triage/reports/:unitId/:reportId/attachments': ['triage'],
    'GET /triage/reports/:unitId/:reportId/attachments/:attachmentId': ['triage'],
    'GET /triage/reports/:unitId/:reportId/thread': ['triage'],
    'POST /triage/reports/:unitId/:reportId/thread/send': ['triage'],
    'POST /triage/reports/:unitId/:reportId/thread/read': ['triage'],
    'POST /triage/reports/:unitId/:reportId/outcome': ['triage'],
    'POST /hospital/status': ['triage'],
    'POST /hospital/inquiries/answer': ['triage'],
  },
  dispatch: {
    ...common('dispatch'),
    'POST /dispatch/incident': ['dispatcher'],
    'POST /dispatch/inquiries': ['dispatcher'],
    'POST /dispatch/cases/cancel': ['dispatcher'],
    'POST /dispatch/cases/assign': ['dispatcher'],
  },
};

export const routeKey = (route: RouteInfo): string => `${route.method.toUpperCase()} ${route.path}`;

/** Path parameters a route accepts in shape; the ids name nothing that exists, so handlers answer 404. */
export const SAMPLE_PARAMS: Readonly<Record<Instance, Readonly<Record<string, string>>>> = {
  ambulance: { panel: 'card', reportId: '00000000-0000-4000-8000-000000000000' },
  hospital: {
    panel: 'incoming',
    unitId: DEMO_PRINCIPALS.ambulance,
    reportId: '00000000-0000-4000-8000-000000000000',
    attachmentId: '00000000-0000-4000-8000-000000000001',
  },
  dispatch: { panel: 'hospitals' },
};

export const fillPath = (path: string, params: Readonly<Record<string, string>>): string =>
  path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name] ?? name));

export interface RoleUnderTest {
  readonly instance: Instance;
  readonly running: RunningRole;
  /** A fresh session created directly in the role's store (bypassing log-in), and its CSRF token. */
  session(role: UserRoleName): { cookie: string; csrf: string };
  request(path: string, init?: RequestInit): Promise<Response>;
}

export interface RunningRoles {
  readonly demo: RunningDemo;
  readonly roles: Readonly<Record<Instance, RoleUnderTest>>;
}

const underTest = (instance: Instance, running: RunningRole): RoleUnderTest => ({
  instance,
  running,
  session: (role) => {
    const { cookie, csrf } = directSession(running.gateway, `${role}-matrix`, role);
    return { cookie, csrf };
  },
  request: (path, init) => Promise.resolve(running.gateway.app.request(path, init)),
});

/**
 * Every role as the product starts it: the demo's validated configurations, keys and directory,
 * embedded broker and records service, all on port 0 (one ambulance, three hospitals, one dispatch).
 */
export const startRoles = async (): Promise<RunningRoles> => {
  const demo = await startDemo({
    dataDir: mkdtempSync(join(tmpdir(), 'ems-roles-')),
    portBase: 0,
    mqttPort: 0,
    env: {},
    logger: createLogger({ level: 'info' }),
  });
  const first = (instance: Instance): RoleUnderTest => {
    const running = demo.roles.find((r) => r.role === instance);
    if (running === undefined) throw new Error(`the demo started no ${instance} role`);
    return underTest(instance, running);
  };
  return {
    demo,
    roles: { ambulance: first('ambulance'), hospital: first('hospital'), dispatch: first('dispatch') },
  };
};

/** The report the role tests send: ATMIST, vitals and ETA as a crew would type them. */
export const SAMPLE_REPORT = {
  ageValue: '72',
  ageUnit: 'years',
  sex: 'female',
  mechanism: 'fall at home',
  injuries: 'hip pain',
  treatment: 'splint',
  acuity: '3',
  etaMinutes: '12',
  callSign: 'Matrix 01',
  phone: '+81-3-0000-0001',
};

/**
 * A card read, confirmed visually, consent given and a report sent to the first demo hospital, until it
 * is on that hospital's board: the state the route tests need to reach their handlers. Returns the card
 * tap and the report's detail path on the board (`/triage/reports/:unitId/:reportId`).
 */
export const reportOnBoard = async (rr: RunningRoles): Promise<{ tap: string; detail: string }> => {
  const tablet = rr.roles.ambulance;
  const crew = tablet.session('crew');
  const post = (path: string, form: Record<string, string>): Promise<Response> =>
    tablet.request(path, {
      method: 'POST',
      headers: { cookie: crew.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: crew.csrf, ...form }).toString(),
    });
  const card = (): Promise<string> =>
    tablet.request('/panels/card', { headers: { cookie: crew.cookie } }).then((r) => r.text());
  await post('/tablet/demo/insert', { holder: '0' });
  const tap = await waitFor(async () => /data-tap="(tap-[0-9a-f]+)"/.exec(await card())?.[1], 'a card tap');
  await waitFor(async () => (await card()).includes('data-phase="card-present"'), 'the card read');
  await post('/tablet/identify', { tap, mode: 'visual' });
  await waitFor(async () => (await card()).includes('data-phase="identified"'), 'the holder confirmed');
  await post('/tablet/consent', { tap, basis: 'given' });
  await post('/tablet/report', {
    tap,
    key: newFormKey(),
    hospital: DEMO_PRINCIPALS.hospitals[0],
    ...SAMPLE_REPORT,
  });
  const triage = rr.roles.hospital.session('triage');
  const detail = await waitFor(async () => {
    const board = await rr.roles.hospital.request('/panels/incoming', { headers: { cookie: triage.cookie } });
    return /\/triage\/reports\/[^/"]+\/[A-Za-z0-9-]+/.exec(await board.text())?.[0];
  }, 'the report on the triage board');
  return { tap, detail };
};
