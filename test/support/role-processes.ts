import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/log/index.js';
import { ensureDemoKeys, type DemoKeys } from '../../src/roles/demo-keys.js';
import { closedStatus, writeStatusFile } from '../../src/roles/hospital/index.js';
import { loadOrCreateTestCa } from '../../src/sim/card/index.js';
import { startReferenceRecords, type RunningReferenceRecords } from '../../src/sim/records/index.js';
import { systemClock } from '../../src/core/index.js';
import type { Login } from './browser.js';
import { CliProcess } from './cli.js';
import { MosquittoBroker } from './feed/mosquitto.js';
import { httpRequest } from './http-client.js';
import { CLI, ROOT } from './paths.js';
import { waitFor } from './wait.js';

/**
 * The roles as an operator runs them, for browser tests of states the demo cannot reach: the shipped
 * Mosquitto configuration (TLS, a certificate per principal, the ACL; a real process that can be
 * killed) and each role as its own `ems-gateway run --config FILE` process, with its user added by
 * `ems-gateway users add` as docs/deployment.md says. Role settings the demo fixes (idle limit,
 * re-alert period, inquiry deadline) come from each test's configuration.
 */
export const UNIT = 'amb-demo-01';
export const HOSPITAL = 'hosp-demo-a';
export const DISPATCH = 'dispatch-demo';
const RECORDS = 'records-demo';
const SEED = 1;

/** Where the hospital stands for dispatch's ranking (near the dispatch form's sample place "shinjuku"). */
const SITE = {
  id: HOSPITAL,
  name: 'テスト病院 A',
  location: { lat: 35.6925, lon: 139.699 },
  level: 'tertiary',
};

export interface RoleProcess {
  readonly id: string;
  readonly url: string;
  readonly dataDir: string;
  readonly process: CliProcess;
  /** The role's user, as `users add` printed it, and the device code from its data directory. */
  readonly login: Login;
}

export interface RoleSettings {
  /** Added to the role's configuration (top-level keys, e.g. `auth`, `triage`, `inquiries`). */
  readonly config?: Record<string, unknown>;
  /** Environment of the role's first start only, for a test seam (e.g. src/roles/dispatch/test-seam.ts). */
  readonly env?: Record<string, string>;
}

export interface FleetOptions {
  readonly ambulance?: RoleSettings;
  readonly hospital?: RoleSettings;
  readonly dispatch?: RoleSettings;
}

export interface Fleet {
  readonly dir: string;
  readonly broker: MosquittoBroker;
  /** The principals' key files and the signed directory (a test may act as a principal not started). */
  readonly keys: DemoKeys;
  readonly ambulance: RoleProcess | undefined;
  readonly hospital: RoleProcess | undefined;
  readonly dispatch: RoleProcess | undefined;
  /**
   * Ends a role's process with `signal` (SIGKILL: a power cut or a crash, nothing flushed or closed)
   * and runs it again on the same configuration and data directory (with `env` added to its
   * environment, if given); `close` stops the new process.
   */
  restart(role: RoleProcess, signal?: NodeJS.Signals, env?: Record<string, string>): Promise<RoleProcess>;
  close(): Promise<void>;
}

const SCREEN_ROLE = { ambulance: 'crew', hospital: 'triage', dispatch: 'dispatcher' } as const;
type RoleName = keyof typeof SCREEN_ROLE;

/** `ems-gateway users add`, without blocking the test's event loop; returns the printed secrets. */
const addUser = (
  configFile: string,
  userId: string,
  role: string,
): Promise<{ password: string; totpSecret: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, 'users', 'add', '--config', configFile, '--user', userId, '--role', role],
      {
        cwd: ROOT,
      },
    );
    let out = '';
    let errors = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (errors += c.toString('utf8')));
    child.on('exit', (code) => {
      const password = /^ {2}password +(\S+)$/m.exec(out)?.[1];
      const totpSecret = /^ {2}TOTP secret +(\S+)$/m.exec(out)?.[1];
      if (code !== 0 || password === undefined || totpSecret === undefined)
        reject(new Error(`users add ${userId}: exit ${String(code)} ${errors}`));
      else resolve({ password, totpSecret });
    });
  });

/** `ems-gateway run --config FILE` for a role whose configuration is written; resolves once it serves. */
const runRole = async (
  dir: string,
  name: RoleName,
  id: string,
  env: Record<string, string> = {},
): Promise<{ process: CliProcess; url: string }> => {
  const child = CliProcess.start(['run', '--config', join(dir, `${id}.json`)], env);
  const url = await child
    .waitForOutput(new RegExp(`^${name} ${id} running at (http://\\S+)/$`, 'm'), 45_000)
    .then((m) => m[1] as string)
    .catch(async (error: unknown) => {
      await child.stop('SIGKILL');
      throw new Error(`${id} did not start: ${child.stderr.slice(-800)}`, { cause: error });
    });
  return { process: child, url };
};

const startRole = async (
  dir: string,
  name: RoleName,
  id: string,
  config: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<RoleProcess> => {
  const dataDir = join(dir, id);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${id}.json`);
  writeFileSync(file, JSON.stringify({ role: name, id, dataDir, http: { port: 0 }, ...config }), {
    mode: 0o600,
  });
  const userId = `${SCREEN_ROLE[name]}-states`;
  const user = await addUser(file, userId, SCREEN_ROLE[name]);
  const { process: child, url } = await runRole(dir, name, id, env);
  const deviceToken = readFileSync(join(dataDir, 'device-token'), 'utf8').trim();
  return { id, url, dataDir, process: child, login: { url, userId, ...user, deviceToken } };
};

/** The parts of a role's configuration that reach the shipped Mosquitto and the principal's keys. */
export const brokerAndKeys = (
  broker: MosquittoBroker,
  keys: DemoKeys,
  id: string,
): Record<string, unknown> => ({
  mqtt: {
    url: broker.url,
    protocolVersion: 5,
    caFile: broker.pki.ca,
    certFile: broker.pki.cert(id),
    keyFile: broker.pki.key(id),
  },
  keys: { file: keys.keyFile(id) },
  directory: { file: keys.directoryFile, operatorPublicKey: keys.operatorPublicKey },
});

/**
 * Mosquitto with the shipped configuration and the roles asked for (each a process of its own, on
 * free ports, in one scratch directory). The ambulance reads an in-process emulated card against the
 * reference records service (run here, beside the test: it is the upstream, not a part under test).
 */
export const startFleet = async (options: FleetOptions): Promise<Fleet> => {
  const dir = mkdtempSync(join(tmpdir(), 'ems-states-'));
  // Traversable (not listable) for Mosquitto, which drops to its own user when started as root.
  chmodSync(dir, 0o711);
  const keys: DemoKeys = await ensureDemoKeys(
    dir,
    [
      { id: UNIT, role: 'ambulance', displayName: 'テスト救急隊 01' },
      { id: HOSPITAL, role: 'hospital', displayName: 'テスト病院 A' },
      { id: DISPATCH, role: 'dispatch', displayName: 'テスト指令センター' },
      { id: RECORDS, role: 'records', displayName: 'テスト記録サービス' },
    ],
    Date.now(),
  );
  const broker = await MosquittoBroker.create(join(dir, 'mosquitto'), {
    units: [UNIT],
    hospitals: [HOSPITAL],
    dispatch: [DISPATCH],
  });
  const common = (id: string): Record<string, unknown> => brokerAndKeys(broker, keys, id);
  let records: RunningReferenceRecords | undefined;
  const started: RoleProcess[] = [];
  const close = async (): Promise<void> => {
    for (const role of started.reverse()) await role.process.stop();
    await records?.close();
    await broker.stop();
  };
  try {
    const pending: Promise<RoleProcess>[] = [];
    if (options.ambulance !== undefined) {
      const cardState = join(dir, 'card-emulator');
      await loadOrCreateTestCa(cardState);
      records = await startReferenceRecords({
        keyFile: keys.keyFile(RECORDS),
        directoryFile: keys.directoryFile,
        operatorPublicKey: keys.operatorPublicKey,
        trustAnchorFiles: [join(cardState, 'ca', 'ca.pem')],
        seed: SEED,
        populationSize: 1000,
        host: '127.0.0.1',
        port: 0,
        kinds: 'sealed',
        clock: systemClock,
        logger: createLogger({ level: 'warn' }),
      });
      pending.push(
        startRole(dir, 'ambulance', UNIT, {
          ...common(UNIT),
          reader: { mode: 'in-process', seed: SEED, stateDir: cardState },
          trustAnchors: [join(cardState, 'ca', 'ca.pem')],
          records: { url: records.url, principalId: RECORDS },
          contact: { callSign: 'テスト01', phone: '+81-3-0000-0001' },
          ...options.ambulance.config,
        }),
      );
    }
    if (options.hospital !== undefined) {
      // Open and taking strokes, so dispatch ranks it (a new hospital is closed until its desk says so).
      const dataDir = join(dir, HOSPITAL);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const closed = closedStatus(HOSPITAL, Date.now());
      await writeStatusFile(dataDir, {
        ...closed,
        erOpen: true,
        accepts: { ...closed.accepts, stroke: true },
        beds: { free: 4, icuFree: 1 },
        equipment: { ct: true, mri: true, cathLab: true },
        loadPercent: 40,
      });
      pending.push(startRole(dir, 'hospital', HOSPITAL, { ...common(HOSPITAL), ...options.hospital.config }));
    }
    if (options.dispatch !== undefined)
      pending.push(
        startRole(
          dir,
          'dispatch',
          DISPATCH,
          {
            ...common(DISPATCH),
            // No sample hospitals: the ranking holds only the hospital running here.
            sampleRegion: { seed: SEED, count: 0 },
            extraSites: [SITE],
            ...options.dispatch.config,
          },
          options.dispatch.env,
        ),
      );
    const results = await Promise.allSettled(pending);
    for (const r of results) if (r.status === 'fulfilled') started.push(r.value);
    const failed = results.find((r) => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  } catch (error) {
    await close();
    throw error;
  }
  const find = (id: string): RoleProcess | undefined => started.find((r) => r.id === id);
  const nameOf: Record<string, RoleName> = {
    [UNIT]: 'ambulance',
    [HOSPITAL]: 'hospital',
    [DISPATCH]: 'dispatch',
  };
  const restart = async (
    role: RoleProcess,
    signal: NodeJS.Signals = 'SIGKILL',
    env: Record<string, string> = {},
  ): Promise<RoleProcess> => {
    const name = nameOf[role.id];
    if (name === undefined) throw new Error(`no role ${role.id} in this fleet`);
    await role.process.stop(signal);
    const { process: child, url } = await runRole(dir, name, role.id, env);
    // "running at" comes once the screens listen; the broker link may still be connecting, and what a
    // user sends before it is refused ("not sent, press again"). Restarted means ready: /readyz 200.
    await waitFor(
      async () => (await httpRequest(new URL('/readyz', url).href)).status === 200 || undefined,
      `${role.id} ready after its restart`,
      45_000,
      100,
    );
    const next = { ...role, url, process: child, login: { ...role.login, url } };
    started.splice(started.indexOf(role), 1, next);
    return next;
  };
  return {
    dir,
    broker,
    keys,
    ambulance: find(UNIT),
    hospital: find(HOSPITAL),
    dispatch: find(DISPATCH),
    restart,
    close,
  };
};
