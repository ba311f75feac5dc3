import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/config/index.js';
import { systemClock, type Clock } from '../../src/core/index.js';
import { DirectorySource, fromBase64, readKeyFile, toError } from '../../src/crypto/index.js';
import { base32Decode, issueCredentials, totp } from '../../src/gateway/index.js';
import {
  BrokerLink,
  DEFAULT_SESSION_EXPIRY_SECONDS,
  openReceiver,
  startEmbeddedBroker,
  topics,
  type EmbeddedBroker,
  type Receiver,
} from '../../src/hospital-feed/index.js';
import { createLogger, type Logger } from '../../src/log/index.js';
import { ensureDemoKeys } from '../../src/roles/demo-keys.js';
import { SodiumEnvelopeCodec } from '../../src/roles/envelope-codec.js';
import { storedReplayCheck } from '../../src/roles/feed.js';
import { startConfiguredRole, type RunningRole } from '../../src/roles/index.js';
import { loadOrCreateTestCa } from '../../src/sim/card/index.js';
import {
  medicalRecord,
  startReferenceRecords,
  type CardStatus,
  type FaultModes,
  type RunningReferenceRecords,
} from '../../src/sim/records/index.js';
import { fetchOwnConnection } from './http-client.js';
import { waitFor } from './wait.js';

export const UNIT = 'amb-rig-01';
export const HOSPITALS = ['hosp-rig-a', 'hosp-rig-b'] as const;
export const RECORDS = 'records-rig';
/** With `dispatch: true`: the dispatch centre, and a second unit that is never assigned. */
export const DISPATCH = 'dispatch-rig';
export const OTHER_UNIT = 'amb-rig-02';
export const SEED = 1;

/** The first holder (from 0) of the demo population whose records status is this. */
export const holderWith = (status: CardStatus): number => {
  for (let i = 0; i < 1000; i++) if (medicalRecord(SEED, i).status === status) return i;
  throw new Error(`no holder with status ${status}`);
};

/** A crew member's browser without a browser: cookies, the CSRF token, form posts, panel fetches. */
export class Crew {
  readonly #cookies = new Map<string, string>();
  #csrf = '';
  constructor(readonly url: string) {}

  /** The Cookie header of this crew member's browser (a load generator sends it as is). */
  get cookie(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  #keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair !== undefined && at > 0) this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
  }

  /** `now`: the server's time when its clock is injected (the one-time code is of that time). */
  async login(
    userId: string,
    password: string,
    secret: string,
    deviceToken: string,
    now = Date.now(),
  ): Promise<void> {
    const answer = await fetchOwnConnection(`${this.url}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId,
        password,
        otp: totp(base32Decode(secret) as Uint8Array, now),
        deviceToken,
      }),
    });
    if (!answer.ok) throw new Error(`login failed: ${answer.status}`);
    this.#keep(answer);
    const session = await fetchOwnConnection(`${this.url}/api/v1/session`, {
      headers: { cookie: this.cookie },
    });
    this.#csrf = ((await session.json()) as { csrf: string }).csrf;
  }

  /**
   * The same browser (its cookies) at another address, e.g. the role after a restart: its session
   * is stored, so it goes on if still valid. Returns `undefined` if the role no longer knows it.
   */
  async at(url: string): Promise<Crew | undefined> {
    const moved = new Crew(url);
    for (const [k, v] of this.#cookies) moved.#cookies.set(k, v);
    const session = await fetchOwnConnection(`${url}/api/v1/session`, { headers: { cookie: moved.cookie } });
    if (!session.ok) return undefined;
    moved.#csrf = ((await session.json()) as { csrf: string }).csrf;
    return moved;
  }

  async post(path: string, form: Record<string, string>): Promise<Response> {
    const answer = await fetchOwnConnection(`${this.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.#csrf, ...form }),
    });
    await answer.arrayBuffer();
    return answer;
  }

  /** A multipart form post with one file (the tablet's attachment forms). */
  async postFile(
    path: string,
    form: Record<string, string>,
    file: { readonly name: string; readonly type: string; readonly bytes: Uint8Array },
  ): Promise<Response> {
    const body = new FormData();
    body.set('_csrf', this.#csrf);
    for (const [k, v] of Object.entries(form)) body.set(k, v);
    body.set('file', new Blob([file.bytes], { type: file.type }), file.name);
    const answer = await fetchOwnConnection(`${this.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.cookie },
      body,
    });
    await answer.arrayBuffer();
    return answer;
  }

  async panel(id: string): Promise<string> {
    const answer = await fetchOwnConnection(`${this.url}/panels/${id}`, { headers: { cookie: this.cookie } });
    return answer.text();
  }

  async tap(): Promise<string> {
    return waitFor(
      async () => /data-tap="(tap-[0-9a-f]+)"/.exec(await this.panel('card'))?.[1],
      'a card tap',
    );
  }

  /** Waits until the card panel shows this marker (e.g. `data-phase="identified"`). */
  async cardShows(marker: string, timeoutMs = 15_000): Promise<string> {
    return waitFor(
      async () => {
        const html = await this.panel('card');
        return html.includes(marker) ? html : undefined;
      },
      marker,
      timeoutMs,
    );
  }
}

/** The key files the rig made: a test can act as any of its principals. */
export interface RigKeys {
  keyFile(id: string): string;
  readonly directoryFile: string;
  readonly operatorPublicKey: string;
}

export interface RigDispatch {
  readonly role: RunningRole;
  /** A logged-in dispatcher. */
  readonly dispatcher: Crew;
  readonly dataDir: string;
}

export interface Rig {
  /** The running ambulance role (a new one after `restartAmbulance`). */
  readonly ambulance: RunningRole;
  /** Only with `dispatch: true`. */
  readonly dispatch: RigDispatch | undefined;
  readonly keys: RigKeys;
  readonly brokerUrl: string;
  /** The ambulance role's data directory (its outbox, users, audit). */
  readonly ambulanceDir: string;
  readonly records: RunningReferenceRecords;
  readonly receiver: Receiver;
  /** A crew member logged in to the running ambulance role (logged in anew after a restart). */
  readonly crew: Crew;
  /**
   * Stops the ambulance role and starts it again on the same data directory (its outbox, users and
   * sessions stay), then logs the crew member in again: the new process has a new port.
   */
  restartAmbulance(): Promise<void>;
  close(): Promise<void>;
}

export interface RigOptions {
  readonly faults?: Partial<FaultModes>;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** Holders 0..population-1 have records (1000, as the demo). */
  readonly population?: number;
  /** Every part's log sink (default: JSON lines at info, captured by the suite's PHI scan). */
  readonly logger?: Logger;
  /** Also run a real dispatch role (small sample region) with a logged-in dispatcher. */
  readonly dispatch?: boolean;
  /** The ambulance uses the FHIR kind (the reference FHIR server beside the sealed API), as the demo does. */
  readonly fhir?: boolean;
  /** Where the ambulance reaches the records service, given its real URL (e.g. a proxy in between). */
  readonly recordsUrl?: (upstream: string) => string;
  /** The ambulance role's clock (default: the system's); the crew's log-in codes follow it. */
  readonly clock?: Clock;
  /** records.lookupLimit: card-less lookups per crew member (default the configuration's). */
  readonly lookupLimit?: { readonly max: number; readonly windowSeconds: number };
}

/**
 * The demo's shape with a hospital whose Receiver the test holds: embedded broker, the reference
 * records service (real HTTP, device-signed requests, sealed answers), the ambulance role with the
 * in-process emulated reader, and a logged-in crew member.
 */
export const startRig = async (options: RigOptions = {}): Promise<Rig> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ems-tablet-'));
  const keys = await ensureDemoKeys(
    dataDir,
    [
      { id: UNIT, role: 'ambulance', displayName: 'Rig ambulance' },
      ...HOSPITALS.map((id) => ({ id, role: 'hospital' as const, displayName: `Hospital ${id}` })),
      { id: RECORDS, role: 'records', displayName: 'Rig records' },
      ...(options.dispatch === true
        ? [
            { id: DISPATCH, role: 'dispatch' as const, displayName: 'Rig dispatch' },
            { id: OTHER_UNIT, role: 'ambulance' as const, displayName: 'Rig ambulance 2' },
          ]
        : []),
    ],
    Date.now(),
  );
  const cardState = join(dataDir, 'card-emulator');
  await loadOrCreateTestCa(cardState);
  const logger = options.logger ?? createLogger({ level: 'info' });
  const broker: EmbeddedBroker = await startEmbeddedBroker('127.0.0.1', 0);
  const records = await startReferenceRecords({
    keyFile: keys.keyFile(RECORDS),
    directoryFile: keys.directoryFile,
    operatorPublicKey: keys.operatorPublicKey,
    trustAnchorFiles: [join(cardState, 'ca', 'ca.pem')],
    seed: SEED,
    populationSize: options.population ?? 1000,
    host: '127.0.0.1',
    port: 0,
    faults: { latencyMs: 0, errorRate: 0, timeoutRate: 0, truncateRate: 0, ...options.faults },
    hangMs: 3_000,
    kinds: options.fhir === true ? 'both' : 'sealed',
    clock: systemClock,
    logger,
  });
  const config = validateConfig({
    role: 'ambulance',
    id: UNIT,
    dataDir: join(dataDir, UNIT),
    http: { port: 0 },
    mqtt: { url: broker.url, protocolVersion: 4 },
    keys: { file: keys.keyFile(UNIT) },
    directory: { file: keys.directoryFile, operatorPublicKey: keys.operatorPublicKey },
    reader: { mode: 'in-process', seed: SEED, stateDir: cardState },
    trustAnchors: [join(cardState, 'ca', 'ca.pem')],
    records: {
      ...(options.fhir === true && records.fhirUrl !== undefined
        ? {
            kind: 'fhir',
            url: options.recordsUrl?.(records.fhirUrl) ?? records.fhirUrl,
            patientIdentifierSystem: records.patientIdentifierSystem,
          }
        : { url: options.recordsUrl?.(records.url) ?? records.url, principalId: RECORDS }),
      timeoutMs: options.timeoutMs ?? 5_000,
      maxAttempts: options.maxAttempts ?? 2,
      ...(options.lookupLimit === undefined ? {} : { lookupLimit: options.lookupLimit }),
    },
    contact: { callSign: 'Rig 01', phone: '+81-3-0000-0001' },
  });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  const clock = options.clock ?? systemClock;
  const roleConfig = config.value;
  const startAmbulance = (): Promise<RunningRole> =>
    startConfiguredRole(roleConfig, { env: {}, logger, clock });
  let ambulance = await startAmbulance();

  // The hospital side, as a hospital's own gateway runs it: its key, the directory, its inbox.
  const hospital = HOSPITALS[0];
  const identity = await readKeyFile(keys.keyFile(hospital));
  if (!identity.ok) throw toError(identity.error);
  const directory = await DirectorySource.load(
    keys.directoryFile,
    fromBase64(keys.operatorPublicKey) as Uint8Array,
    logger,
  );
  if (!directory.ok) throw toError(directory.error);
  const link = BrokerLink.open({
    url: broker.url,
    protocolVersion: 4,
    clientId: hospital,
    sessionExpirySeconds: DEFAULT_SESSION_EXPIRY_SECONDS,
    presenceTopic: topics.hospitalPresence(hospital),
  });
  const hospitalDir = join(dataDir, hospital);
  mkdirSync(hospitalDir, { recursive: true });
  const opened = openReceiver({
    dataDir: hospitalDir,
    principalId: hospital,
    retentionDays: 7,
    // As the hospital role does: replays are checked against the inbox itself.
    codec: (inbox) =>
      new SodiumEnvelopeCodec({
        identity: identity.value,
        keys: [identity.value],
        directory: directory.value,
        replay: storedReplayCheck((id) => inbox.has(id)),
        clock: systemClock,
      }),
    link,
    logger,
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const receiver = opened.value;
  await receiver.start();
  link.connect();

  const user = await issueCredentials(
    ambulance.gateway.users,
    { id: 'crew-rig', role: 'crew' },
    'rig',
    ambulance.gateway.scryptCost,
    clock.now(),
  );
  const logIn = async (role: RunningRole): Promise<Crew> => {
    const crew = new Crew(role.url);
    await crew.login(user.userId, user.password, user.totpSecret, role.gateway.deviceToken, clock.now());
    return crew;
  };
  let crew = await logIn(ambulance);
  const dispatch =
    options.dispatch === true ? await startDispatch(dataDir, broker.url, keys, logger) : undefined;
  return {
    get ambulance() {
      return ambulance;
    },
    dispatch,
    keys,
    brokerUrl: broker.url,
    ambulanceDir: roleConfig.dataDir,
    records,
    receiver,
    get crew() {
      return crew;
    },
    restartAmbulance: async () => {
      await ambulance.stop();
      ambulance = await startAmbulance();
      // Sessions survive a restart (R5); past the idle limit the crew logs in again.
      crew = (await crew.at(ambulance.url)) ?? (await logIn(ambulance));
    },
    close: async () => {
      receiver.stop();
      await link.close();
      await directory.value.close();
      identity.value.wipe();
      await dispatch?.role.stop();
      await ambulance.stop();
      await records.close();
      await broker.close();
    },
  };
};

const startDispatch = async (
  dataDir: string,
  brokerUrl: string,
  keys: RigKeys,
  logger: Logger,
): Promise<RigDispatch> => {
  const config = validateConfig({
    role: 'dispatch',
    id: DISPATCH,
    dataDir: join(dataDir, DISPATCH),
    http: { port: 0 },
    mqtt: { url: brokerUrl, protocolVersion: 4 },
    keys: { file: keys.keyFile(DISPATCH) },
    directory: { file: keys.directoryFile, operatorPublicKey: keys.operatorPublicKey },
    sampleRegion: { seed: SEED, count: 20 },
  });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  const role = await startConfiguredRole(config.value, { env: {}, logger });
  const user = await issueCredentials(
    role.gateway.users,
    { id: 'dispatcher-rig', role: 'dispatcher' },
    'rig',
    role.gateway.scryptCost,
    Date.now(),
  );
  const dispatcher = new Crew(role.url);
  await dispatcher.login(user.userId, user.password, user.totpSecret, role.gateway.deviceToken);
  return { role, dispatcher, dataDir: join(dataDir, DISPATCH) };
};
