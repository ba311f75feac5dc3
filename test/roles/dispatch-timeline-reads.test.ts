import Database from 'better-sqlite3';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ok } from '../../src/core/index.js';
import { MemoryReplayStore, type DirectorySource } from '../../src/crypto/index.js';
import type { DispatchConfig } from '../../src/config/index.js';
import {
  topics,
  type BrokerLink,
  type DispatchIncoming,
  type Timers,
} from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { Metrics } from '../../src/metrics/index.js';
import { mountDispatch, TimelineStore } from '../../src/roles/dispatch/index.js';
import { OutcomeDesk } from '../../src/roles/dispatch/outcome-desk.js';
import { SodiumEnvelopeCodec } from '../../src/roles/envelope-codec.js';
import type { RoleContext } from '../../src/roles/runtime.js';
import { directoryOf, fixedIdentity } from '../crypto/support.js';
import { configFor, openHarness, type Harness } from '../gateway/harness.js';
import { unwrap } from '../support/feed/harness.js';
import { sealForDispatch } from '../support/dispatch-seal.js';
import { waitFor } from '../support/wait.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');

/** The page size of a SQLite file (header bytes 16-17; 1 stands for 65,536). */
const pageSizeOf = (fd: number): number => {
  const header = Buffer.alloc(2);
  readSync(fd, header, 0, 2, 16);
  return header.readUInt16BE(0) === 1 ? 65_536 : header.readUInt16BE(0);
};

/**
 * Overwrites part of a SQLite file as a failing disk or a copy cut short leaves it: every page after
 * the first (header and schema intact, so the file opens and every read of a table finds a page that
 * is no b-tree page: SQLITE_CORRUPT), or the first page itself (header and schema gone: the file does
 * not open, SQLITE_NOTADB).
 */
const corruptPages = (file: string, pages: 'after-first' | 'first'): void => {
  const fd = openSync(file, 'r+');
  try {
    const pageSize = pageSizeOf(fd);
    const size = statSync(file).size;
    expect(size).toBeGreaterThan(pageSize);
    const [from, length] = pages === 'first' ? [0, pageSize] : [pageSize, size - pageSize];
    writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, from);
  } finally {
    closeSync(fd);
  }
};

/** A timeline.sqlite written by the store (a case's call, a unit's milestone with its id), then corrupted. */
const corruptTimeline = (file: string, pages: 'after-first' | 'first' = 'after-first'): void => {
  const store = unwrap(TimelineStore.open(file));
  expect(store.append([{ caseId: 'case-old', kind: 'call', at: T0 }])).toEqual(ok(undefined));
  expect(store.appendMilestone({ caseId: 'case-old', kind: 'departure', at: T0 }, 'm-old', T0)).toEqual(
    ok(undefined),
  );
  // The last connection's close checkpoints the WAL into the file and removes it.
  store.close();
  corruptPages(file, pages);
};

describe('reading a timeline.sqlite that is corrupted on disk', () => {
  it('answers every read with the storage code instead of throwing', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ems-timeline-')), 'timeline.sqlite');
    corruptTimeline(file);
    const timeline = unwrap(TimelineStore.open(file));
    try {
      const failed = { ok: false, error: 'storage-failed' };
      expect(timeline.ofCase('case-old')).toEqual(failed);
      expect(timeline.since(0)).toEqual(failed);
      expect(timeline.milestonesOf('case-old')).toEqual(failed);
      expect(timeline.received('m-old')).toEqual(failed);
    } finally {
      timeline.close();
    }
  });

  it('answers the storage code when its first page is corrupt and the file does not open', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ems-timeline-')), 'timeline.sqlite');
    corruptTimeline(file, 'first');
    // Before: `open` threw the driver's SqliteError ("file is not a database").
    expect(TimelineStore.open(file)).toEqual({ ok: false, error: 'storage-failed' });
  });
});

const dispatchKey = fixedIdentity('dispatch-test', 50);
const directory = {
  current: directoryOf([{ identity: dispatchKey, role: 'dispatch' }]),
} as unknown as DirectorySource;

/** A broker link that keeps what is published; nothing leaves the process. */
const quietLink = {
  isUp: true,
  receiveMaximum: undefined,
  publish: () => Promise.resolve(ok(undefined)),
  subscribe: () => Promise.resolve(ok(undefined)),
  onMessage: () => undefined,
  on: () => undefined,
} as unknown as BrokerLink;

const form = (cookie: string, fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: {
    cookie,
    'content-type': 'application/x-www-form-urlencoded',
    'sec-fetch-site': 'same-origin',
  },
  body: new URLSearchParams(fields).toString(),
});

let harness: Harness | undefined;
afterEach(() => harness?.gateway.close());

/**
 * Before, a failing timeline read threw out of the incident panel (the whole dispatcher screen failed
 * with it), the KPI panel and a unit's milestone (out of the inbox handler). Now the screen says the
 * timeline cannot be shown, where the timeline goes, and every other part of the case works.
 */
describe('the dispatcher screen over a timeline.sqlite that cannot be read', () => {
  it('says the timeline and the figures cannot be shown; the case, its ranking and its unit form work', async () => {
    const extra = { sampleRegion: { seed: 3, count: 20 } };
    harness = await openHarness('dispatch', extra);
    const h = harness;
    corruptTimeline(join(h.dataDir, 'timeline.sqlite'));
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
    const parts = await mountDispatch(configFor('dispatch', h.dataDir, extra) as DispatchConfig, ctx, {
      newCaseId: () => 'case-test-1',
    });
    const { cookie, csrf } = h.session('dispatcher');
    const entered = await h.request(
      '/dispatch/incident',
      form(cookie, {
        _csrf: csrf,
        place: 'yokohama',
        lat: '',
        lon: '',
        category: 'stroke',
        acuity: 'serious',
        ageBand: '75-89',
        sex: 'female',
      }),
    );
    expect(entered.status).toBe(303);

    for (const lang of ['en', 'ja']) {
      const incident = await h.request(`/panels/incident?lang=${lang}`, { headers: { cookie } });
      expect(incident.status).toBe(200);
      const panel = await incident.text();
      expect(panel).toContain('data-case-timeline="case-test-1"');
      expect(panel).toContain('data-banner="timeline-unreadable"');
      expect(panel).toContain(
        lang === 'en' ? 'The case timeline cannot be shown' : '事案の経過を表示できません',
      );
      // No list at all: an empty one would say "nothing happened yet".
      expect(panel).not.toContain('data-milestone');
      // The rest of the case: its ranked hospitals and the unit it can be given.
      expect(panel).toMatch(/data-reason="travel"/);
      expect(panel).toContain('data-action="assign"');
    }
    const kpis = await h.request('/panels/kpis?lang=en', { headers: { cookie } });
    expect(kpis.status).toBe(200);
    expect(await kpis.text()).toContain('data-banner="kpis-unreadable"');
    // The whole screen, each panel rendered on the server.
    const screen = await h.request('/?lang=en', { headers: { cookie } });
    expect(screen.status).toBe(200);
    expect(await screen.text()).toContain('data-banner="timeline-unreadable"');
    // The operator is told the code, never the case; once for the run of failed reads (every panel
    // refresh reads the timeline again).
    const notRead = () => lines.filter((l) => l.includes('dispatch timeline not read'));
    expect(notRead()).toHaveLength(1);
    expect(notRead()[0]).toContain('storage-failed');

    // A unit's milestone is not taken while its case's milestones cannot be read: the storage code.
    const milestone = {
      envelope: { from: 'amb-1', messageId: 'm-departure' },
      dispatch: {
        kind: 'milestone',
        body: { caseId: 'case-test-1', unitId: 'amb-1', milestone: 'departure', at: h.clock.now() },
      },
    } as unknown as DispatchIncoming;
    expect(parts.units.receive(milestone)).toEqual({ ok: false, error: 'storage-failed' });

    expect(notRead()).toHaveLength(2);
    for (const line of lines) expect(line).not.toMatch(/case-test-1|amb-1|m-departure/);
  });
});

/** The role's context over the harness, its log lines kept; `link` receives the inbox handler. */
const contextOf = (h: Harness, lines: string[], link: BrokerLink = quietLink): RoleContext => ({
  logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }),
  metrics: new Metrics({}, false),
  readiness: undefined as never,
  app: h.gateway.app,
  gateway: h.gateway,
  link,
  crypto: { identity: dispatchKey, keys: [dispatchKey], directory },
  clock: h.clock,
  onStop: () => undefined,
});

/** An outcomes.sqlite as the desk creates it (its table, index and trigger: three pages), then corrupted. */
const corruptOutcomes = (file: string, pages: 'after-first' | 'first'): void => {
  unwrap(OutcomeDesk.open(file, {} as never)).close();
  corruptPages(file, pages);
};

/**
 * The timeline's milestone ids and the outcomes' ids are part of the inbox's replay check, which knows
 * only a message's id: a role run without either file would not know a replay of what it holds. So a
 * timeline.sqlite or outcomes.sqlite that does not open stops the start, as cases.sqlite does, with
 * the file's name and the storage code. Before, the driver's SqliteError ("file is not a database")
 * escaped instead (`OutcomeDesk.open` threw it until it returned a result, as `TimelineStore.open`).
 */
describe('dispatch starting over a store whose first page is corrupt', () => {
  it.each([
    ['timeline', (file: string) => corruptTimeline(file, 'first')],
    ['outcomes', (file: string) => corruptOutcomes(file, 'first')],
  ] as const)(
    'over %s.sqlite: does not start, says which file and the storage code, and leaves the file as it was',
    async (name, corrupt) => {
      const extra = { sampleRegion: { seed: 3, count: 20 } };
      harness = await openHarness('dispatch', extra);
      const h = harness;
      const file = join(h.dataDir, `${name}.sqlite`);
      corrupt(file);
      const before = readFileSync(file);
      if (name === 'outcomes')
        expect(OutcomeDesk.open(file, {} as never)).toEqual({ ok: false, error: 'storage-failed' });
      const lines: string[] = [];
      const started = mountDispatch(
        configFor('dispatch', h.dataDir, extra) as DispatchConfig,
        contextOf(h, lines),
      );
      const error = await started.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toBe(
        `dispatch ${name}: ${name}.sqlite cannot be opened (storage-failed)`,
      );
      expect((error as Error).constructor.name).toBe('Error');
      // No path (the data directory's name), no driver text.
      expect((error as Error).message).not.toContain(h.dataDir);
      // Nothing replaced or written over: the operator restores it, its messages' ids are in it.
      expect(readFileSync(file).equals(before)).toBe(true);
    },
  );
});

const hospitalKey = fixedIdentity('hospital-test', 60);
const withHospital = {
  current: directoryOf([
    { identity: dispatchKey, role: 'dispatch' },
    { identity: hospitalKey, role: 'hospital' },
  ]),
} as unknown as DirectorySource;

/**
 * The inbox's replay check reads outcomes.sqlite (an outcome's id is its row's key). A read that fails
 * is logged with the code only and decides nothing: an answer is then checked against cases.sqlite,
 * its own store, and taken to the desk (here it answers no inquiry, so the desk refuses it). Before,
 * the driver's error escaped the replay check and the inbox handler; then, a failing read counted
 * every id as seen, so every answer and milestone was refused as a replay and lost while it failed.
 */
describe("dispatch's replay check over an outcomes.sqlite that cannot be read", () => {
  it('logs the storage code only, settles the handler, and checks an answer against its own store', async () => {
    harness = await openHarness('dispatch', { sampleRegion: { seed: 3, count: 0 } });
    const h = harness;
    corruptOutcomes(join(h.dataDir, 'outcomes.sqlite'), 'after-first');
    let handler: ((topic: string, payload: Uint8Array) => Promise<void>) | undefined;
    const link = {
      ...quietLink,
      onMessage: (h: typeof handler) => {
        handler = h;
      },
    } as unknown as BrokerLink;
    const lines: string[] = [];
    const config = configFor('dispatch', h.dataDir, {
      sampleRegion: { seed: 3, count: 0 },
    }) as DispatchConfig;
    await mountDispatch(config, {
      ...contextOf(h, lines, link),
      crypto: { identity: dispatchKey, keys: [dispatchKey], directory: withHospital },
    });
    if (handler === undefined) throw new Error('no inbox handler');
    const hospital = new SodiumEnvelopeCodec({
      identity: hospitalKey,
      keys: [hospitalKey],
      directory: withHospital,
      replay: new MemoryReplayStore(),
      clock: h.clock,
    });
    const sealed = await sealForDispatch(
      hospital,
      config.id,
      {
        kind: 'inquiry-answer',
        body: { inquiryId: 'case-x-q1', hospitalId: 'hospital-test', answer: { kind: 'accept' } },
      },
      { stream: 'case-x-q1', sequence: 1, expiresAt: h.clock.now() + 3600_000 },
    );
    await expect(handler(topics.dispatchInbox(config.id), sealed.bytes)).resolves.toBeUndefined();
    const notRead = lines.filter((l) => l.includes('dispatch outcomes not read'));
    expect(notRead).toHaveLength(1);
    expect(JSON.parse(notRead[0] as string)).toMatchObject({ code: 'storage-failed' });
    // Not refused as a replay: the desk read it (and refused it: no case asked that inquiry).
    expect(lines.filter((l) => l.includes('inquiry answer refused'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('dispatch inbox message held'))).toHaveLength(0);
    for (const line of lines) expect(line).not.toMatch(/case-x|SqliteError|malformed/);
  });
});

const unitKey = fixedIdentity('amb-test', 70);
const withUnit = {
  current: directoryOf([
    { identity: dispatchKey, role: 'dispatch' },
    { identity: unitKey, role: 'ambulance' },
  ]),
} as unknown as DirectorySource;

/**
 * A unit's milestone is published directly (no outbox: the tablet counts it delivered once the broker
 * has it), and the broker forgets it at dispatch's PUBACK. Before, a replay check whose timeline read
 * failed counted it as seen: refused as a replay and lost for good. Now it is held (in memory) and
 * recorded, once, when the timeline reads again; a copy after that is a replay.
 */
describe('a milestone that reaches dispatch while timeline.sqlite cannot be read', () => {
  it('is held, not lost, and recorded once when the file reads again', async () => {
    const extra = { sampleRegion: { seed: 3, count: 20 } };
    harness = await openHarness('dispatch', extra);
    const h = harness;
    const file = join(h.dataDir, 'timeline.sqlite');
    const store = unwrap(TimelineStore.open(file));
    expect(store.append([{ caseId: 'case-old', kind: 'call', at: T0 }])).toEqual(ok(undefined));
    store.close();
    const good = readFileSync(file);
    corruptPages(file, 'after-first');
    // The role's timers, run by hand: the hold tries again on one (no waiting in the test).
    const pending: (() => void)[] = [];
    const timers: Timers = {
      setTimeout: (fn) => pending.push(fn) && fn,
      clearTimeout: (handle) => void pending.splice(pending.indexOf(handle as () => void) >>> 0, 1),
    };
    let handler: ((topic: string, payload: Uint8Array) => Promise<void>) | undefined;
    const link = {
      ...quietLink,
      onMessage: (h: typeof handler) => {
        handler = h;
      },
    } as unknown as BrokerLink;
    const lines: string[] = [];
    const config = configFor('dispatch', h.dataDir, extra) as DispatchConfig;
    const parts = await mountDispatch(
      config,
      {
        ...contextOf(h, lines, link),
        crypto: { identity: dispatchKey, keys: [dispatchKey], directory: withUnit },
      },
      { timers, newCaseId: () => 'case-test-1' },
    );
    if (handler === undefined) throw new Error('no inbox handler');
    const { cookie, csrf } = h.session('dispatcher');
    const entered = await h.request(
      '/dispatch/incident',
      form(cookie, {
        _csrf: csrf,
        place: 'yokohama',
        lat: '',
        lon: '',
        category: 'stroke',
        acuity: 'serious',
        ageBand: '75-89',
        sex: 'female',
      }),
    );
    expect(entered.status).toBe(303);
    expect(await parts.units.assign('case-test-1', 'amb-test')).toEqual(ok(undefined));

    const unit = new SodiumEnvelopeCodec({
      identity: unitKey,
      keys: [unitKey],
      directory: withUnit,
      replay: new MemoryReplayStore(),
      clock: h.clock,
    });
    const sealed = await sealForDispatch(
      unit,
      config.id,
      {
        kind: 'milestone',
        body: { caseId: 'case-test-1', unitId: 'amb-test', milestone: 'departure', at: h.clock.now() },
      },
      { stream: 'case-test-1', sequence: 3, expiresAt: h.clock.now() + 3600_000 },
    );
    const inbox = topics.dispatchInbox(config.id);
    await expect(handler(inbox, sealed.bytes)).resolves.toBeUndefined();
    // Still unreadable at the first retry: nothing recorded, still held.
    for (const run of pending.splice(0)) run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(parts.cases.timeline('case-test-1')).toEqual({ ok: false, error: 'storage-failed' });

    // The file is restored from its backup; another connection's write makes ours read it afresh.
    writeFileSync(file, good);
    const repair = new Database(file);
    repair.pragma('user_version = 1');
    repair.close();
    const departures = (): number | undefined => {
      const events = parts.cases.timeline('case-test-1');
      return events.ok ? events.value.filter((e) => e.kind === 'departure').length : undefined;
    };
    for (const run of pending.splice(0)) run();
    await waitFor(() => departures() === 1, 'the held departure recorded', 3000);
    // A copy now (the broker's redelivery, an attacker's replay) is a replay: recorded once.
    await handler(inbox, sealed.bytes);
    for (const run of pending.splice(0)) run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(departures()).toBe(1);
    const heldLines = lines.filter((l) => l.includes('dispatch inbox message held'));
    expect(heldLines.length).toBeGreaterThan(0);
    expect(JSON.parse(heldLines[0] as string)).toMatchObject({ kind: 'milestone', code: 'storage-failed' });
    for (const line of lines) expect(line).not.toMatch(/case-test-1|SqliteError|malformed/);
  });
});
