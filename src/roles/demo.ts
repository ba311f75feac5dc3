import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfig, type RoleConfig } from '../config/index.js';
import { issueCredentials, type IssuedCredentials, type UserRoleName } from '../gateway/index.js';
import { startEmbeddedBroker } from '../hospital-feed/index.js';
import { loadOrCreateTestCa } from '../sim/card/index.js';
import { startReferenceRecords, type RunningReferenceRecords } from '../sim/records/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { privateDir, systemClock } from '../core/index.js';
import type { HospitalStatus } from '../dispatch/index.js';
import { closedStatus, STATUS_FILE, writeStatusFile } from './hospital/index.js';
import { ensureDemoKeys, type DemoKeys, type DemoPrincipal } from './demo-keys.js';
import { startConfiguredRole, type RunningRole } from './index.js';

export interface DemoOptions {
  readonly dataDir: string;
  /** First HTTP port; the roles take consecutive ports. 0 = any free ports (tests). */
  readonly portBase: number;
  /** Port of the embedded broker; 0 = any free port. */
  readonly mqttPort: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
}

/** One instance's synthetic log-ins, printed on the demo's console. */
export interface DemoLogin {
  readonly principal: string;
  readonly url: string;
  readonly deviceToken: string;
  readonly users: readonly IssuedCredentials[];
  /** One-time log-in links (demo only), one per user, in the order of `users`. */
  readonly links: readonly { readonly userId: string; readonly url: string }[];
}

/** How long the printed one-time links stay good: time to read the console and click. */
export const DEMO_LINK_TTL_MS = 30 * 60_000;

export interface RunningDemo {
  readonly brokerUrl: string;
  /** The embedded reference records service (verified requests, sealed answers). */
  readonly recordsUrl: string;
  /** The reference FHIR server beside it (the ambulance's upstream in the demo). */
  readonly fhirUrl: string | undefined;
  readonly roles: readonly RunningRole[];
  readonly logins: readonly DemoLogin[];
  stop(): Promise<void>;
}

/** The demo's principals: one ambulance unit, three hospitals, one dispatch centre, the records service. */
export const DEMO_PRINCIPALS = {
  ambulance: 'amb-demo-01',
  hospitals: ['hosp-demo-a', 'hosp-demo-b', 'hosp-demo-c'],
  dispatch: 'dispatch-demo',
  records: 'records-demo',
} as const;

const DIRECTORY_MEMBERS: readonly DemoPrincipal[] = [
  { id: DEMO_PRINCIPALS.ambulance, role: 'ambulance', displayName: 'デモ救急隊 01 · Demo ambulance 01' },
  ...DEMO_PRINCIPALS.hospitals.map((id, i) => ({
    id,
    role: 'hospital' as const,
    displayName: `デモ病院 ${'ABC'[i] ?? ''} · Demo hospital ${'ABC'[i] ?? ''}`,
  })),
  { id: DEMO_PRINCIPALS.dispatch, role: 'dispatch', displayName: 'デモ指令センター · Demo dispatch' },
  { id: DEMO_PRINCIPALS.records, role: 'records', displayName: 'デモ記録サービス · Demo records service' },
];

/** The instance's name on its log-in page: the directory's display name. */
const nameOf = (id: string): string => DIRECTORY_MEMBERS.find((m) => m.id === id)?.displayName ?? id;

/** Where the demo hospitals stand (central Tokyo, near the form's sample places) and what they are. */
const DEMO_SITES = [
  {
    id: 'hosp-demo-a',
    name: 'デモ病院 A（新宿）',
    location: { lat: 35.6925, lon: 139.699 },
    level: 'tertiary',
  },
  {
    id: 'hosp-demo-b',
    name: 'デモ病院 B（渋谷）',
    location: { lat: 35.661, lon: 139.698 },
    level: 'secondary',
  },
  {
    id: 'hosp-demo-c',
    name: 'デモ病院 C（四谷）',
    location: { lat: 35.686, lon: 139.725 },
    level: 'secondary',
  },
] as const;

/** A first status for each demo hospital, so the desk has something to edit and dispatch to rank. */
const demoStatus = (hospitalId: string, i: number, now: number): HospitalStatus => ({
  ...closedStatus(hospitalId, now),
  erOpen: true,
  accepts: {
    stroke: true,
    stemi: i !== 2,
    trauma: true,
    burns: i === 0,
    paediatrics: i !== 1,
    obstetrics: false,
    psychiatric: false,
    cardiacArrest: true,
  },
  beds: { free: 6 - i * 2, icuFree: i === 0 ? 2 : 0 },
  equipment: { ct: true, mri: i !== 2, cathLab: i !== 2 },
  loadPercent: 30 + i * 20,
});

const seedDemoStatuses = async (options: DemoOptions, now: number): Promise<void> => {
  for (const [i, id] of DEMO_PRINCIPALS.hospitals.entries()) {
    const dir = join(options.dataDir, id);
    if (existsSync(join(dir, STATUS_FILE))) continue;
    privateDir(dir);
    await writeStatusFile(dir, demoStatus(id, i, now));
  }
};

/** The emulated cards and the records service share one synthetic population. */
const DEMO_SEED = 1;
const DEMO_POPULATION = 1000;

const port = (options: DemoOptions, offset: number): number =>
  options.portBase === 0 ? 0 : options.portBase + offset;

/**
 * Builds each role's configuration as an operator would write it, and validates it through the same
 * schema as `run --config`, so the demo cannot drift from what production accepts.
 */
const demoConfigs = (
  options: DemoOptions,
  brokerUrl: string,
  keys: DemoKeys,
  cardState: string,
  records: RunningReferenceRecords,
): RoleConfig[] => {
  const mqtt = { url: brokerUrl, protocolVersion: 4 };
  const dataDir = (id: string): string => join(options.dataDir, id);
  const crypto = (id: string): Record<string, unknown> => ({
    keys: { file: keys.keyFile(id) },
    directory: { file: keys.directoryFile, operatorPublicKey: keys.operatorPublicKey },
  });
  const raw: unknown[] = [
    {
      role: 'ambulance',
      id: DEMO_PRINCIPALS.ambulance,
      displayName: nameOf(DEMO_PRINCIPALS.ambulance),
      dataDir: dataDir(DEMO_PRINCIPALS.ambulance),
      http: { port: port(options, 0) },
      mqtt,
      ...crypto(DEMO_PRINCIPALS.ambulance),
      reader: { mode: 'in-process', seed: DEMO_SEED, stateDir: cardState },
      trustAnchors: [join(cardState, 'ca', 'ca.pem')],
      // The FHIR path by default (issue 14): the reference FHIR server with SMART backend authorisation.
      records:
        records.fhirUrl === undefined
          ? { url: records.url, principalId: DEMO_PRINCIPALS.records }
          : { kind: 'fhir', url: records.fhirUrl, patientIdentifierSystem: records.patientIdentifierSystem },
      contact: { callSign: 'デモ救急01', phone: '+81-3-0000-0000' },
      // The demo hospitals' places, for the tablet's GPS ETA.
      eta: { sites: DEMO_SITES },
    },
    ...DEMO_PRINCIPALS.hospitals.map((id, i) => ({
      role: 'hospital',
      id,
      displayName: nameOf(id),
      dataDir: dataDir(id),
      http: { port: port(options, 1 + i) },
      mqtt,
      ...crypto(id),
    })),
    {
      role: 'dispatch',
      id: DEMO_PRINCIPALS.dispatch,
      displayName: nameOf(DEMO_PRINCIPALS.dispatch),
      dataDir: dataDir(DEMO_PRINCIPALS.dispatch),
      http: { port: port(options, 4) },
      mqtt,
      ...crypto(DEMO_PRINCIPALS.dispatch),
      // The synthetic sample region (no regionFile) plus the three live demo hospitals.
      extraSites: DEMO_SITES,
      inquiries: { default: { regionalCentreId: 'hosp-demo-a', answerTimeoutSeconds: 120 } },
    },
  ];
  return raw.map((input) => {
    const result = validateConfig(input);
    if (!result.ok)
      throw new Error(
        `demo configuration is invalid: ${result.error.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      );
    return result.value;
  });
};

/** The demo's people: one per screen role, and an admin on every instance (users, audit log). */
const DEMO_USERS: Readonly<Record<RunningRole['role'], readonly { id: string; role: UserRoleName }[]>> = {
  ambulance: [
    { id: 'crew-demo', role: 'crew' },
    { id: 'admin-demo', role: 'admin' },
  ],
  hospital: [
    { id: 'triage-demo', role: 'triage' },
    { id: 'admin-demo', role: 'admin' },
  ],
  dispatch: [
    { id: 'dispatcher-demo', role: 'dispatcher' },
    { id: 'admin-demo', role: 'admin' },
  ],
};

/** Fresh synthetic credentials at every start, through the same path as `ems-gateway users add`. */
const demoLogin = async (role: RunningRole): Promise<DemoLogin> => {
  const users: IssuedCredentials[] = [];
  for (const user of DEMO_USERS[role.role])
    users.push(
      await issueCredentials(
        role.gateway.users,
        user,
        `ems-gateway ${role.id}`,
        role.gateway.scryptCost,
        Date.now(),
      ),
    );
  const links = users.map((u) => ({
    userId: u.userId,
    url: `${role.url}/login/demo/${role.gateway.demoLinks?.issue(u.userId, Date.now()) ?? ''}`,
  }));
  return { principal: role.id, url: role.url, deviceToken: role.gateway.deviceToken, users, links };
};

export const startDemo = async (options: DemoOptions): Promise<RunningDemo> => {
  privateDir(options.dataDir);
  const keys = await ensureDemoKeys(options.dataDir, DIRECTORY_MEMBERS, Date.now());
  // The emulator's test CA, made on the first run and kept in the data dir: the demo's trust anchor.
  const cardState = join(options.dataDir, 'card-emulator');
  await loadOrCreateTestCa(cardState);
  await seedDemoStatuses(options, Date.now());
  const broker = await startEmbeddedBroker('127.0.0.1', options.mqttPort);
  const roles: RunningRole[] = [];
  let records: RunningReferenceRecords | undefined;
  const stop = async (): Promise<void> => {
    for (const role of roles.reverse()) await role.stop();
    await records?.close();
    await broker.close();
  };
  try {
    // The reference records service, with its own key and port, checking cards against the emulator CA.
    records = await startReferenceRecords({
      keyFile: keys.keyFile(DEMO_PRINCIPALS.records),
      directoryFile: keys.directoryFile,
      operatorPublicKey: keys.operatorPublicKey,
      trustAnchorFiles: [join(cardState, 'ca', 'ca.pem')],
      seed: DEMO_SEED,
      populationSize: DEMO_POPULATION,
      host: '127.0.0.1',
      port: port(options, 5),
      // The sealed records API and, beside it on the same port, the FHIR server the ambulance uses.
      kinds: 'both',
      clock: systemClock,
      logger: (options.logger ?? createLogger({})).child({
        role: 'records',
        principal: DEMO_PRINCIPALS.records,
      }),
    });
    for (const config of demoConfigs(options, broker.url, keys, cardState, records)) {
      roles.push(
        await startConfiguredRole(config, {
          env: options.env,
          demoLinkTtlMs: DEMO_LINK_TTL_MS,
          ...(options.logger === undefined ? {} : { logger: options.logger }),
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const logins: DemoLogin[] = [];
  for (const role of roles) logins.push(await demoLogin(role));
  return { brokerUrl: broker.url, recordsUrl: records.url, fhirUrl: records.fhirUrl, roles, logins, stop };
};
