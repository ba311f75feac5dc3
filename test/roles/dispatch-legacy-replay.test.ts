import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../src/core/index.js';
import { SqliteReplayStore, type DirectorySource } from '../../src/crypto/index.js';
import type { DispatchConfig } from '../../src/config/index.js';
import type { BrokerLink } from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { CASES_FILE, mountDispatch } from '../../src/roles/dispatch/index.js';
import type { RoleContext } from '../../src/roles/runtime.js';
import { directoryOf, fixedIdentity } from '../crypto/support.js';
import { configFor, openHarness, type Harness } from '../gateway/harness.js';

const dispatchKey = fixedIdentity('dispatch-test', 50);
const directory = {
  current: directoryOf([{ identity: dispatchKey, role: 'dispatch' }]),
} as unknown as DirectorySource;
const quietLink = {
  isUp: true,
  receiveMaximum: undefined,
  publish: () => Promise.resolve(ok(undefined)),
  subscribe: () => Promise.resolve(ok(undefined)),
  onMessage: () => undefined,
  on: () => undefined,
} as unknown as BrokerLink;

const REPLAY = ['replay.sqlite', 'replay.sqlite-wal', 'replay.sqlite-shm'];
const IDS = ['0123456789abcdef0123456789abcdef', 'fedcba9876543210fedcba9876543210'];

let harness: Harness | undefined;
const closers: (() => void)[] = [];
afterEach(() => {
  harness?.gateway.close();
  for (const close of closers.splice(0)) close();
});

/** A dispatch data directory, and the role mounted on it with its log lines kept. */
const rig = async () => {
  const extra = { sampleRegion: { seed: 3, count: 10 } };
  harness = await openHarness('dispatch', extra);
  const h = harness;
  const lines: string[] = [];
  const ctx: RoleContext = {
    logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }),
    metrics: new Metrics({}, false),
    readiness: undefined as never,
    app: h.gateway.app,
    gateway: h.gateway,
    link: quietLink,
    crypto: { identity: dispatchKey, keys: [dispatchKey], directory },
    clock: h.clock,
    onStop: () => undefined,
  };
  const mount = () => mountDispatch(configFor('dispatch', h.dataDir, extra) as DispatchConfig, ctx);
  return { h, lines, mount };
};

/**
 * The replay file of a version before the stores were the replay check, as that version left it:
 * written by its own store class, still open (so its `-wal` and `-shm` are there too, as after a
 * kill -9), ids still within their expiry.
 */
const leaveReplayFile = (dataDir: string, now: number): void => {
  const old = new SqliteReplayStore(join(dataDir, 'replay.sqlite'));
  closers.push(() => old.close());
  for (const id of IDS) expect(old.remember(id, now + 3_600_000)).toBe(true);
  for (const name of REPLAY) expect(existsSync(join(dataDir, name))).toBe(true);
};

describe("dispatch's replay.sqlite left by an earlier version", () => {
  it('is removed at start, with its -wal and -shm, once the new stores are open', async () => {
    const { h, lines, mount } = await rig();
    leaveReplayFile(h.dataDir, h.clock.now());
    await mount();
    for (const name of REPLAY) expect(existsSync(join(h.dataDir, name))).toBe(false);
    expect(existsSync(join(h.dataDir, CASES_FILE))).toBe(true);
    expect(existsSync(join(h.dataDir, 'timeline.sqlite'))).toBe(true);
    expect(lines.filter((l) => l.includes('replay file of an earlier version removed'))).toHaveLength(3);
    // The screen works.
    const { cookie } = h.session('dispatcher');
    expect((await h.request('/panels/incident', { headers: { cookie } })).status).toBe(200);
    for (const line of lines) for (const id of IDS) expect(line).not.toContain(id);
  });

  it('is left as it was when the new stores cannot be opened (the start fails first)', async () => {
    const { h, mount } = await rig();
    leaveReplayFile(h.dataDir, h.clock.now());
    // A cases.sqlite that SQLite cannot open: a directory in its place.
    mkdirSync(join(h.dataDir, CASES_FILE));
    await expect(mount()).rejects.toThrow(/dispatch cases/);
    for (const name of REPLAY) expect(existsSync(join(h.dataDir, name))).toBe(true);
  });

  it('logs a removal that fails with its code only, and the role runs on', async () => {
    const { h, lines, mount } = await rig();
    // Something that cannot be unlinked in its place (a directory, as root can remove any file).
    mkdirSync(join(h.dataDir, 'replay.sqlite'));
    writeFileSync(join(h.dataDir, 'replay.sqlite', 'x'), 'x');
    writeFileSync(join(h.dataDir, 'replay.sqlite-wal'), '');
    await mount();
    const failed = lines.filter((l) => l.includes('replay file of an earlier version not removed'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/EISDIR|EPERM/);
    expect(failed[0]).not.toContain(h.dataDir);
    expect(existsSync(join(h.dataDir, 'replay.sqlite-wal'))).toBe(false);
    const { cookie } = h.session('dispatcher');
    expect((await h.request('/panels/incident', { headers: { cookie } })).status).toBe(200);
  });
});
