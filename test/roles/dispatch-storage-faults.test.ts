import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ManualClock, ok } from '../../src/core/index.js';
import type { DispatchConfig } from '../../src/config/index.js';
import { MemoryReplayStore, type DirectorySource, type DirectoryView } from '../../src/crypto/index.js';
import { RegionalInquiryPolicies } from '../../src/dispatch/index.js';
import {
  topics,
  type BrokerLink,
  type DispatchIncoming,
  type EnvelopeCodec,
  type OpenedEnvelope,
  type OutcomeBody,
  type PublishLink,
  type Timers,
} from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { Metrics } from '../../src/metrics/index.js';
import {
  CASES_FILE,
  caseRetention,
  DispatchCases,
  InquiryDesk,
  mountDispatch,
  SqliteCaseStore,
  TimelineStore,
  UnitDesk,
} from '../../src/roles/dispatch/index.js';
import { OutcomeDesk } from '../../src/roles/dispatch/outcome-desk.js';
import { SodiumEnvelopeCodec } from '../../src/roles/envelope-codec.js';
import type { RoleContext } from '../../src/roles/runtime.js';
import { directoryOf, fixedIdentity } from '../crypto/support.js';
import { configFor, openHarness } from '../gateway/harness.js';
import { unwrap } from '../support/feed/harness.js';
import { sealForDispatch } from '../support/dispatch-seal.js';
import { waitFor } from '../support/wait.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');

// A real tmpfs of 1 MiB for the dispatch files, filled up once the store is open: SQLite's own
// SQLITE_FULL on a real file, as test/hospital-feed/storage-faults.test.ts does (mounting needs root,
// as CI runs: without it this file fails rather than skips).
const mountPoint = mkdtempSync(join(tmpdir(), 'dispatch-tmpfs-'));
execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mountPoint], { stdio: 'ignore' });
afterAll(() => {
  execFileSync('umount', ['-l', mountPoint]);
});

const FILLER = join(mountPoint, 'filler');
/** Writes to the tmpfs until the kernel says ENOSPC: the disk is full. */
const fillDisk = (): void => {
  const fd = openSync(FILLER, 'w');
  const block = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    expect((error as { code?: string }).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
};
const freeDisk = (): void => rmSync(FILLER, { force: true });

const closers: (() => void)[] = [];
afterEach(() => {
  freeDisk();
  for (const close of closers.splice(0)) close();
});

/**
 * A timeline.sqlite write that fails (here the disk is full) loses only those milestones: the case's
 * step still commits, publishes its commands and takes its later inputs; the operator is told the
 * storage code, never the case; nothing throws (a throw in the desk's `events` listener rejected the
 * case's queue, so its later steps never ran, and a milestone's throw escaped the inbox handler).
 */
describe('dispatch on a timeline.sqlite that cannot be written', () => {
  const rig = (name: string) => {
    const clock = new ManualClock(T0);
    const store = SqliteCaseStore.open(join(mkdtempSync(join(tmpdir(), 'ems-cases-')), CASES_FILE));
    if (!store.ok) throw new Error(store.error);
    const timeline = unwrap(TimelineStore.open(join(mountPoint, name)));
    closers.push(
      () => store.value.close(),
      () => timeline.close(),
    );
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', sink: (line) => lines.push(line) });
    const published: { topic: string; kind: string }[] = [];
    let kind = '';
    const codec = {
      seal: (input: { kind: string }) => {
        kind = input.kind;
        return Promise.resolve({ messageId: 'm-out', bytes: new Uint8Array([1]) });
      },
    } as unknown as EnvelopeCodec;
    const link = {
      isUp: true,
      receiveMaximum: undefined,
      publish: (topic: string) => {
        published.push({ topic, kind });
        return Promise.resolve(ok(undefined));
      },
      on: () => undefined,
    } as unknown as PublishLink;
    const timers: Timers = { setTimeout: () => ({}), clearTimeout: () => undefined };
    const directory = {
      current: {
        currentKey: (id: string) => ({ role: id.startsWith('amb-') ? 'ambulance' : 'hospital' }),
      },
    } as unknown as DirectoryView;
    const desk = new InquiryDesk({
      codec,
      link,
      directory,
      clock,
      timers,
      policies: v.parse(RegionalInquiryPolicies, { default: { regionalCentreId: 'hosp-centre' } }),
      regionId: 'test',
      logger,
      store: store.value,
    });
    const casesOf = (restored: ReturnType<SqliteCaseStore['load']>) =>
      new DispatchCases({
        region: { id: 'test', hospitals: [] },
        board: {},
        desk,
        timeline,
        policy: {},
        clock,
        logger,
        store: store.value,
        restored: restored.ok ? restored.value.cases : [],
        newCaseId: () => 'case-1',
      } as unknown as ConstructorParameters<typeof DispatchCases>[0]);
    const units = new UnitDesk({
      dispatchId: 'dispatch-1',
      codec,
      link,
      directory,
      clock,
      timeline,
      store: store.value,
      logger,
    });
    return { clock, store: store.value, timeline, desk, casesOf, units, published, lines };
  };

  const answer = (inquiryId: string, hospitalId: string): DispatchIncoming =>
    ({
      envelope: { from: hospitalId, messageId: `m-answer-${hospitalId}` },
      dispatch: { kind: 'inquiry-answer', body: { inquiryId, hospitalId, answer: { kind: 'accept' } } },
    }) as unknown as DispatchIncoming;

  it("runs the case's later steps, logs the storage code only, and fills the milestones in at start", async () => {
    const r = rig('timeline-case.sqlite');
    const cases = r.casesOf(r.store.load(caseRetention(T0), T0));
    cases.open('dispatcher-1', {
      incident: { location: { lat: 35.69, lon: 139.7 }, category: 'stroke', acuity: 'serious' },
      ageBand: '75-89',
      sex: 'female',
    } as unknown as Parameters<DispatchCases['open']>[1]);
    fillDisk();

    // The step that asks two hospitals: its inquirySent milestones cannot be written.
    await r.desk.send('case-1', [
      { hospitalId: 'hosp-a', etaMinutes: 8 },
      { hospitalId: 'hosp-b', etaMinutes: 9 },
    ]);
    expect(r.published.map((p) => p.kind)).toEqual(['inquiry', 'inquiry']);
    const [a] = r.desk.get('case-1')?.targets ?? [];
    if (a === undefined) throw new Error('targets missing');

    // A later step of the same case still runs: the acceptance is confirmed, the other withdrawn.
    await r.desk.receive(answer(a.inquiryId, 'hosp-a'));
    expect(r.desk.get('case-1')).toMatchObject({ outcome: 'accepted', winner: 'hosp-a' });
    expect(r.published.map((p) => p.kind)).toEqual(['inquiry', 'inquiry', 'confirmation', 'withdrawal']);
    expect(r.store.answered('m-answer-hosp-a')).toEqual(ok({ caseId: 'case-1', inquiryId: a.inquiryId }));
    expect(unwrap(r.timeline.ofCase('case-1')).map((e) => e.kind)).toEqual(['call']);

    // The operator is told the code; the log names no case, hospital or inquiry.
    const failures = r.lines.filter((l) => l.includes('dispatch timeline not stored'));
    expect(failures).toHaveLength(2);
    for (const line of failures) expect(line).toContain('storage-full');
    for (const line of r.lines) expect(line).not.toMatch(/case-1|hosp-a|hosp-b|dispatcher-1|inq-/);

    // Space again, and a restart: the case, which was committed, fills in what the timeline lacks.
    freeDisk();
    r.casesOf(r.store.load(caseRetention(T0), T0));
    expect(unwrap(r.timeline.ofCase('case-1')).map((e) => `${e.kind} ${e.hospitalId ?? ''}`)).toEqual([
      'call ',
      'inquirySent hosp-a',
      'inquirySent hosp-b',
      'accepted hosp-a',
    ]);
  });

  it("refuses a unit's milestone it cannot write with the storage code, and takes its copy later", async () => {
    const r = rig('timeline-units.sqlite');
    expect(await r.units.assign('case-1', 'amb-1')).toEqual(ok(undefined));
    const departure = {
      envelope: { from: 'amb-1', messageId: 'm-departure' },
      dispatch: {
        kind: 'milestone',
        body: { caseId: 'case-1', unitId: 'amb-1', milestone: 'departure', at: T0 },
      },
    } as unknown as DispatchIncoming;
    const recorded: string[] = [];
    r.units.on('recorded', (e) => recorded.push(e.kind));
    fillDisk();
    expect(r.units.receive(departure)).toEqual({ ok: false, error: 'storage-full' });
    // Nothing of it was kept: neither the milestone nor its envelope id (a copy is no replay).
    expect(recorded).toEqual([]);
    expect(r.timeline.received('m-departure')).toEqual(ok(false));
    expect(r.timeline.ofCase('case-1')).toEqual(ok([]));
    expect(r.lines.filter((l) => l.includes('dispatch timeline not stored'))).toHaveLength(1);
    for (const line of r.lines) expect(line).not.toMatch(/case-1|amb-1/);

    freeDisk();
    expect(r.units.receive(departure)?.ok).toBe(true);
    expect(recorded).toEqual(['departure']);
    expect(r.timeline.received('m-departure')).toEqual(ok(true));
  });
});

/**
 * An outcome whose write fails is not taken and not acknowledged, so the hospital's reply outbox sends
 * it again (the hospital inbox's way with a unit's report): its copy is stored and acknowledged once
 * space is back. Before, the driver's error escaped `receive` (the inbox handler), unlogged.
 */
describe('dispatch on an outcomes.sqlite that cannot be written', () => {
  it('takes nothing, acknowledges nothing and logs the code; the resent copy is stored once', async () => {
    const lines: string[] = [];
    const acks: string[] = [];
    const desk = unwrap(
      OutcomeDesk.open(join(mountPoint, 'outcomes.sqlite'), {
        dispatchId: 'dispatch-1',
        codec: {
          seal: () => Promise.resolve({ messageId: 'm-ack', bytes: new Uint8Array([1]) }),
        } as unknown as EnvelopeCodec,
        link: {
          publish: (topic: string) => {
            acks.push(topic);
            return Promise.resolve(ok(undefined));
          },
        },
        clock: new ManualClock(T0),
        categoryOf: () => 'stroke',
        statusOf: () => undefined,
        rejected: () => undefined,
        logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }),
      }),
    );
    closers.push(() => desk.close());
    const envelope = { from: 'hosp-a', fromRole: 'hospital', messageId: 'm-outcome' } as OpenedEnvelope;
    const body = {
      reportId: 'report-0001',
      outcomeId: 'outcome-0001',
      diagnosis: { icd10: 'I63.9' },
      disposition: 'admitted',
      case: { dispatchId: 'dispatch-1', caseId: 'case-1' },
      decidedAt: new Date(T0).toISOString(),
    } as OutcomeBody;
    fillDisk();
    expect(desk.receive(envelope, body)).toBe(false);
    expect(desk.has('m-outcome')).toEqual(ok(false));
    await new Promise((resolve) => setImmediate(resolve));
    expect(acks).toEqual([]);
    const failures = lines.filter((l) => l.includes('dispatch outcome not stored'));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain('storage-full');
    for (const line of lines) expect(line).not.toMatch(/case-1|hosp-a|report-0001|I63/);

    freeDisk();
    expect(desk.receive(envelope, body)).toBe(true);
    expect(desk.has('m-outcome')).toEqual(ok(true));
    expect(desk.facts(0)).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(acks).toEqual(['ems/v1/hospital/hosp-a/in']);
  });
});

const dispatchKey = fixedIdentity('dispatch-test', 50);
const unitKey = fixedIdentity('amb-test', 70);
const withUnit = {
  current: directoryOf([
    { identity: dispatchKey, role: 'dispatch' },
    { identity: unitKey, role: 'ambulance' },
  ]),
} as unknown as DirectorySource;

/**
 * A unit's milestone is published directly (the tablet counts it delivered once the broker has it)
 * and the broker forgets it at dispatch's PUBACK, so one whose write fails used to be lost for good.
 * Now the inbox holds it and records it, once, when the timeline can be written again.
 */
describe("the dispatch inbox with a unit's milestone it cannot write", () => {
  it('holds it and records it once when space is back', async () => {
    const extra = { sampleRegion: { seed: 3, count: 20 } };
    const h = await openHarness('dispatch', extra);
    closers.push(() => h.gateway.close());
    const dataDir = join(mountPoint, 'dispatch');
    mkdirSync(dataDir, { mode: 0o700 });
    const config = { ...configFor('dispatch', h.dataDir, extra), dataDir } as DispatchConfig;
    // The role's timers, run by hand: the hold tries again on one (no waiting in the test).
    const pending: (() => void)[] = [];
    const timers: Timers = {
      setTimeout: (fn) => pending.push(fn) && fn,
      clearTimeout: (handle) => void pending.splice(pending.indexOf(handle as () => void) >>> 0, 1),
    };
    let handler: ((topic: string, payload: Uint8Array) => Promise<void>) | undefined;
    const link = {
      isUp: true,
      receiveMaximum: undefined,
      publish: () => Promise.resolve(ok(undefined)),
      subscribe: () => Promise.resolve(ok(undefined)),
      onMessage: (h: typeof handler) => {
        handler = h;
      },
      on: () => undefined,
    } as unknown as BrokerLink;
    const lines: string[] = [];
    const ctx: RoleContext = {
      logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }),
      metrics: new Metrics({}, false),
      readiness: undefined as never,
      app: h.gateway.app,
      gateway: h.gateway,
      link,
      crypto: { identity: dispatchKey, keys: [dispatchKey], directory: withUnit },
      clock: h.clock,
      onStop: (stop) => void closers.push(() => void stop()),
    };
    const parts = await mountDispatch(config, ctx, { timers, newCaseId: () => 'case-full-1' });
    if (handler === undefined) throw new Error('no inbox handler');
    parts.cases.open('dispatcher-1', {
      incident: { location: { lat: 35.69, lon: 139.7 }, category: 'stroke', acuity: 'serious' },
      ageBand: '75-89',
      sex: 'female',
    } as unknown as Parameters<DispatchCases['open']>[1]);
    expect(await parts.units.assign('case-full-1', 'amb-test')).toEqual(ok(undefined));

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
        body: { caseId: 'case-full-1', unitId: 'amb-test', milestone: 'departure', at: h.clock.now() },
      },
      { stream: 'case-full-1', sequence: 3, expiresAt: h.clock.now() + 3600_000 },
    );
    const departures = (): number =>
      unwrap(parts.cases.timeline('case-full-1')).filter((e) => e.kind === 'departure').length;
    const inbox = topics.dispatchInbox(config.id);
    fillDisk();
    await expect(handler(inbox, sealed.bytes)).resolves.toBeUndefined();
    expect(departures()).toBe(0);
    expect(lines.filter((l) => l.includes('dispatch timeline not stored'))[0]).toContain('storage-full');

    freeDisk();
    for (const run of pending.splice(0)) run();
    await waitFor(() => departures() === 1, 'the held departure recorded', 3000);
    // A copy now (the broker's redelivery, an attacker's replay) is a replay: recorded once.
    await handler(inbox, sealed.bytes);
    for (const run of pending.splice(0)) run();
    await new Promise((resolve) => setImmediate(resolve));
    expect(departures()).toBe(1);
    for (const line of lines) expect(line).not.toMatch(/case-full-1|SqliteError/);
  });
});
