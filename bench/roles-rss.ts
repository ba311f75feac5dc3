import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/core/index.js';
import { silentLogger } from '../src/log/index.js';
import { ensureDemoKeys } from '../src/roles/demo-keys.js';
import { loadOrCreateTestCa } from '../src/sim/card/index.js';
import { startReferenceRecords } from '../src/sim/records/index.js';
import { MosquittoBroker } from '../test/support/feed/mosquitto.js';
import { brokerAndKeys } from '../test/support/role-processes.js';
import type { BenchReport, Figure } from './report.js';

/** The CLI as an operator runs it (compiled beside this file: dist/src/cli/main.js). */
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const UNIT = 'amb-rss-01';
const UNIT_PCSC = 'amb-rss-02';
const HOSPITAL = 'hosp-rss-a';
const DISPATCH = 'dispatch-rss';
const RECORDS = 'records-rss';
/** After its "running at" line: long enough for the broker link, the first timers and a GC to pass. */
const SETTLE_MS = 5_000;
/**
 * Idle for good: V8 grows its young generation to 2 × 16 MiB while the modules load and shrinks it
 * only in a memory-reducing GC, which its memory reducer starts once the process has been idle for
 * a while (measured: 17–50 s after start-up; for the in-process ambulance sometimes not within 60 s;
 * docs/decisions.md, "Memory of a role process").
 */
const IDLE_MS = 60_000;
const SAMPLES = 5;
const SAMPLE_EVERY_MS = 400;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** VmRSS and VmHWM (the peak, i.e. start-up's) of a process, from /proc (Linux), in bytes. */
const memory = (pid: number): { rss: number; peak: number } => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]);
  return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
};

interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  readonly startMs: number;
}

/** The shipped systemd unit: the roles run with the environment it sets, as deployed. */
const UNIT_FILE = fileURLToPath(new URL('../../deploy/systemd/ems-gateway.service', import.meta.url));

/** The unit's `Environment=NAME=VALUE` lines (systemd.exec; the unit quotes none of its values). */
const unitEnvironment = (): Record<string, string> =>
  Object.fromEntries(
    [...readFileSync(UNIT_FILE, 'utf8').matchAll(/^Environment=([A-Z_][A-Z0-9_]*)=(\S+)$/gm)].map((m) => [
      m[1] as string,
      m[2] as string,
    ]),
  );

/** `ems-gateway run --config FILE`, resolved once it prints its "running at" line. */
const runRole = (name: string, configFile: string, env: Record<string, string>): Promise<Started> =>
  new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, 'run', '--config', configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let errors = '';
    child.stderr.on('data', (c: Buffer) => (errors += c.toString('utf8')));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (/ running at http:\/\/\S+\/$/m.test(out)) resolve({ name, child, startMs: performance.now() - t0 });
    });
    child.once('exit', (code) =>
      reject(new Error(`${name} exited (${String(code)}): ${errors.slice(-800)}`)),
    );
  });

const stop = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
};

/**
 * Issue 16's memory goal (a role process idle ≤ 80 MB): each role as an operator runs it, one
 * `ems-gateway run --config FILE` process per role on the shipped Mosquitto configuration, its RSS
 * once start-up has settled. The ambulance reads an in-process emulated card against the reference
 * records service (run here, in the bench process: it is the upstream, not a part measured).
 */
export const run = async (): Promise<BenchReport> => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-roles-rss-'));
  // Traversable (not listable) for Mosquitto, which drops to its own user when started as root.
  chmodSync(dir, 0o711);
  const keys = await ensureDemoKeys(
    dir,
    [
      { id: UNIT, role: 'ambulance', displayName: 'Bench ambulance' },
      { id: UNIT_PCSC, role: 'ambulance', displayName: 'Bench ambulance (PC/SC)' },
      { id: HOSPITAL, role: 'hospital', displayName: 'Bench hospital' },
      { id: DISPATCH, role: 'dispatch', displayName: 'Bench dispatch' },
      { id: RECORDS, role: 'records', displayName: 'Bench records' },
    ],
    Date.now(),
  );
  const broker = await MosquittoBroker.create(join(dir, 'mosquitto'), {
    units: [UNIT, UNIT_PCSC],
    hospitals: [HOSPITAL],
    dispatch: [DISPATCH],
  });
  const cardState = join(dir, 'card-emulator');
  await loadOrCreateTestCa(cardState);
  const records = await startReferenceRecords({
    keyFile: keys.keyFile(RECORDS),
    directoryFile: keys.directoryFile,
    operatorPublicKey: keys.operatorPublicKey,
    trustAnchorFiles: [join(cardState, 'ca', 'ca.pem')],
    seed: 1,
    populationSize: 1000,
    host: '127.0.0.1',
    port: 0,
    kinds: 'sealed',
    clock: systemClock,
    logger: silentLogger,
  });
  const configFile = (role: string, id: string, extra: Record<string, unknown>): string => {
    const dataDir = join(dir, id);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${id}.json`);
    const config = {
      role,
      id,
      dataDir,
      http: { port: 0 },
      log: { level: 'warn' },
      ...brokerAndKeys(broker, keys, id),
      ...extra,
    };
    writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
    return file;
  };
  const files = [
    {
      name: 'ambulance (in-process)',
      file: configFile('ambulance', UNIT, {
        reader: { mode: 'in-process', seed: 1, stateDir: cardState },
        trustAnchors: [join(cardState, 'ca', 'ca.pem')],
        records: { url: records.url, principalId: RECORDS },
      }),
    },
    {
      // As deployed: no simulators. With no pcscd here its reader is down (readiness says so).
      name: 'ambulance (PC/SC)',
      file: configFile('ambulance', UNIT_PCSC, {
        reader: { mode: 'pcsc' },
        trustAnchors: [join(cardState, 'ca', 'ca.pem')],
        records: { url: records.url, principalId: RECORDS },
      }),
    },
    { name: 'hospital', file: configFile('hospital', HOSPITAL, {}) },
    { name: 'dispatch', file: configFile('dispatch', DISPATCH, {}) },
  ];
  const started: Started[] = [];
  const env = unitEnvironment();
  try {
    // One at a time: each start-up has the machine to itself, as at a real role's boot.
    for (const { name, file } of files) started.push(await runRole(name, file, env));
    // The largest of SAMPLES VmRSS readings of each role, SAMPLE_EVERY_MS apart.
    const sampleAll = async (): Promise<number[]> => {
      const largest = started.map(() => 0);
      for (let i = 0; i < SAMPLES; i++) {
        started.forEach((role, r) => {
          largest[r] = Math.max(largest[r] ?? 0, memory(role.child.pid as number).rss);
        });
        await sleep(SAMPLE_EVERY_MS);
      }
      return largest;
    };
    const t0 = performance.now();
    await sleep(SETTLE_MS);
    const settled = await sampleAll();
    await sleep(IDLE_MS - (performance.now() - t0));
    const idle = await sampleAll();
    const figures: Figure[] = started.flatMap((role, r) => [
      {
        name: `${role.name} RSS ${SETTLE_MS / 1000} s after start-up`,
        value: (settled[r] ?? 0) / 2 ** 20,
        unit: 'MiB',
      },
      { name: `${role.name} RSS idle (${IDLE_MS / 1000} s)`, value: (idle[r] ?? 0) / 2 ** 20, unit: 'MiB' },
      {
        name: `${role.name} RSS peak (start-up)`,
        value: memory(role.child.pid as number).peak / 2 ** 20,
        unit: 'MiB',
      },
      { name: `${role.name} start → running at`, value: role.startMs, unit: 'ms' },
    ]);
    return {
      bench: 'roles-rss',
      figures,
      notes: [
        `each role started alone by \`ems-gateway run --config FILE\` (the shipped Mosquitto, TLS, the ACL), in turn; each RSS figure: the largest of ${SAMPLES} VmRSS samples ${SAMPLE_EVERY_MS} ms apart, from ${SETTLE_MS / 1000} s and from ${IDLE_MS / 1000} s after the last role printed its "running at" line; peak: VmHWM`,
        'RSS idle: after V8’s memory reducer has shrunk the young generation that start-up grew (it waits for the process to be idle); the earlier figure still has it',
        '`ems-gateway run` returns freed heap memory to the OS once the role is quiet (~10 s after start-up; src/memory): the idle figure is after it',
        'the PC/SC ambulance: its main process only (the PC/SC binding runs in a child process of its own)',
        `environment of the shipped systemd unit (deploy/systemd/ems-gateway.service): ${Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')}`,
        'V8 flags for the roles: NODE_OPTIONS reaches them (e.g. NODE_OPTIONS=--max-semi-space-size=2 npm run bench:roles-rss)',
        'goal (issue 16): a role process idle ≤ 80 MB',
      ],
    };
  } finally {
    for (const role of started) await stop(role.child);
    await records.close();
    await broker.stop();
  }
};
