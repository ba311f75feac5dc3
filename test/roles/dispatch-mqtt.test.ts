import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import {
  MemoryReplayStore,
  signStatement,
  type DeviceIdentity,
  type DirectoryView,
} from '../../src/crypto/index.js';
import * as v from 'valibot';
import { RegionalInquiryPolicies, type InquiryEvent, type InquiryRequest } from '../../src/dispatch/index.js';
import {
  BrokerLink,
  openIncomingOrDispatch,
  openReceiver,
  startEmbeddedBroker,
  topics,
  type EmbeddedBroker,
  type Timers,
} from '../../src/hospital-feed/index.js';
import { silentLogger } from '../../src/log/index.js';
import { CASES_FILE, InquiryDesk, SqliteCaseStore, StatusBoard } from '../../src/roles/dispatch/index.js';
import { SodiumEnvelopeCodec } from '../../src/roles/envelope-codec.js';
import {
  HospitalInquiries,
  INQUIRIES_FILE,
  SqliteInquiryStore,
  StatusPublisher,
  closedStatus,
} from '../../src/roles/hospital/index.js';
import { directoryOf, fixedIdentity, type Member } from '../crypto/support.js';
import { waitFor } from '../support/wait.js';

const dispatchId = fixedIdentity('dispatch-test', 50);
const hospitalIds = ['hosp-test-a', 'hosp-test-b', 'hosp-test-c'] as const;
const hospitals = hospitalIds.map((id, i) => fixedIdentity(id, 60 + 2 * i));
const ambulance = fixedIdentity('amb-test-01', 90);
const members: Member[] = [
  { identity: dispatchId, role: 'dispatch' },
  ...hospitals.map((identity) => ({ identity, role: 'hospital' as const })),
  { identity: ambulance, role: 'ambulance' },
];
// Key validity in the support directory is around T0 (2025-04-01); the clock starts there.
const T0 = Date.parse('2025-04-01T09:00:00.000Z');
const directory: DirectoryView = { current: directoryOf(members) };

/** Timers the test fires by hand, against the manual clock. */
class ManualTimers implements Timers {
  readonly #pending = new Map<number, { fn: () => void; at: number }>();
  #next = 0;
  constructor(private readonly clock: ManualClock) {}
  setTimeout(fn: () => void, ms: number): unknown {
    this.#pending.set(++this.#next, { fn, at: this.clock.now() + ms });
    return this.#next;
  }
  clearTimeout(handle: unknown): void {
    this.#pending.delete(handle as number);
  }
  fireDue(): void {
    for (const [id, t] of [...this.#pending]) {
      if (t.at > this.clock.now()) continue;
      this.#pending.delete(id);
      t.fn();
    }
  }
}

interface Rig {
  readonly clock: ManualClock;
  readonly timers: ManualTimers;
  readonly desk: InquiryDesk;
  readonly board: StatusBoard;
  readonly events: InquiryEvent[];
  readonly desks: HospitalInquiries[];
  readonly links: BrokerLink[];
  readonly statusLinks: Map<string, BrokerLink>;
}

let broker: EmbeddedBroker;
let rig: Rig | undefined;
let clientSeq = 0;

const link = (clientId: string): BrokerLink =>
  BrokerLink.open({ url: broker.url, protocolVersion: 4, clientId: `${clientId}-${++clientSeq}` });

/** As the role does: connected only once its message handler is in place. */
const connected = async (l: BrokerLink, name: string): Promise<void> => {
  l.connect();
  await waitFor(() => l.isUp, `${name} link up`);
};

const codecOf = (identity: DeviceIdentity, clock: ManualClock) =>
  new SodiumEnvelopeCodec({ identity, keys: [identity], directory, replay: new MemoryReplayStore(), clock });

const openRig = async (): Promise<Rig> => {
  const clock = new ManualClock(T0);
  const timers = new ManualTimers(clock);
  const links: BrokerLink[] = [];
  const dispatchLink = link('dispatch-test');
  links.push(dispatchLink);
  const dispatchCodec = codecOf(dispatchId, clock);
  const cases = SqliteCaseStore.open(join(mkdtempSync(join(tmpdir(), 'ems-dispatch-cases-')), CASES_FILE));
  if (!cases.ok) throw new Error(cases.error);
  const desk = new InquiryDesk({
    codec: dispatchCodec,
    link: dispatchLink,
    directory,
    clock,
    timers,
    // Through the schema, as the configuration is: the defaults (3 min to answer, escalation after
    // 5 refusals or 20 min) are filled in.
    policies: v.parse(RegionalInquiryPolicies, { default: { regionalCentreId: 'hosp-test-a' } }),
    regionId: 'test',
    logger: silentLogger,
    store: cases.value,
  });
  const events: InquiryEvent[] = [];
  desk.on('events', (_caseId, e) => events.push(...e));
  const board = new StatusBoard(directory, clock);
  dispatchLink.onMessage(async (topic, payload) => {
    if (topic.endsWith('/status')) {
      board.accept(topic, payload);
      return;
    }
    const opened = await openIncomingOrDispatch(dispatchCodec, payload, [], ['inquiry-answer']);
    if (opened.ok && 'dispatch' in opened.value) void desk.receive(opened.value);
  });
  await connected(dispatchLink, 'dispatch');
  expect((await dispatchLink.subscribe(topics.dispatchInbox('dispatch-test'))).ok).toBe(true);
  expect((await dispatchLink.subscribe(topics.allHospitalStatuses)).ok).toBe(true);

  const desks: HospitalInquiries[] = [];
  const statusLinks = new Map<string, BrokerLink>();
  for (const identity of hospitals) {
    const l = link(identity.principal);
    links.push(l);
    statusLinks.set(identity.principal, l);
    const codec = codecOf(identity, clock);
    const dataDir = mkdtempSync(join(tmpdir(), 'ems-dispatch-hosp-'));
    const receiver = openReceiver({
      dataDir,
      principalId: identity.principal,
      codec,
      link: l,
      logger: silentLogger,
      clock,
      retentionDays: 1,
    });
    if (!receiver.ok) throw new Error(receiver.error.message);
    const store = SqliteInquiryStore.open(join(dataDir, INQUIRIES_FILE));
    if (!store.ok) throw new Error(store.error);
    const inquiries = new HospitalInquiries({
      hospitalId: identity.principal,
      codec,
      link: l,
      directory,
      clock,
      logger: silentLogger,
      store: store.value,
    });
    receiver.value.on('dispatch', (incoming) => inquiries.receive(incoming));
    await receiver.value.start();
    await connected(l, identity.principal);
    desks.push(inquiries);
  }
  return { clock, timers, desk, board, events, desks, links, statusLinks };
};

const request = (caseId: string): InquiryRequest => ({
  caseId,
  ageBand: '75-89',
  sex: 'female',
  category: 'stroke',
  acuity: 'serious',
});

const askAll = async (r: Rig, caseId: string): Promise<void> => {
  r.desk.open(request(caseId));
  await r.desk.send(
    caseId,
    hospitalIds.map((hospitalId, i) => ({ hospitalId, etaMinutes: 8 + i })),
  );
  for (const d of r.desks) await waitFor(() => d.list().length > 0 || undefined, 'inquiry delivered');
};

const inquiryIdOf = (d: HospitalInquiries): string => d.list()[0]?.message.inquiryId ?? '';

beforeAll(async () => {
  broker = await startEmbeddedBroker('127.0.0.1', 0);
});
afterEach(async () => {
  rig?.desk.stop();
  for (const l of rig?.links ?? []) await l.close();
  rig = undefined;
});
afterAll(async () => {
  await broker.close();
});

describe('dispatch over the embedded broker', () => {
  it('asks 3 hospitals; their signed answers come back; the acceptance is confirmed, the rest withdrawn', async () => {
    rig = await openRig();
    const [a, b, c] = rig.desks as [HospitalInquiries, HospitalInquiries, HospitalInquiries];
    await askAll(rig, 'case-e2e');
    expect(a.list()[0]?.message).toMatchObject({ caseId: 'case-e2e', ageBand: '75-89', category: 'stroke' });
    expect((await b.answer(inquiryIdOf(b), { kind: 'decline', reason: 'bedsFull' })).ok).toBe(true);
    await waitFor(() => rig?.events.some((e) => e.type === 'declined') || undefined, 'decline applied');
    expect((await c.answer(inquiryIdOf(c), { kind: 'accept' })).ok).toBe(true);
    await waitFor(() => c.list()[0]?.closed?.kind === 'confirmed' || undefined, 'confirmation at C');
    await waitFor(() => a.list()[0]?.closed?.kind === 'withdrawn' || undefined, 'withdrawal at A');
    expect(b.list()[0]?.closed).toBeUndefined();
    const state = rig.desk.get('case-e2e');
    expect(state?.outcome).toBe('accepted');
    expect(state?.winner).toBe('hosp-test-c');
    expect(state?.targets.map((t) => t.phase)).toEqual(['withdrawn', 'declined', 'accepted']);
  });

  it('two hospitals accept at the same moment: exactly one wins, the other is withdrawn', async () => {
    rig = await openRig();
    const [a, b] = rig.desks as [HospitalInquiries, HospitalInquiries];
    await askAll(rig, 'case-race');
    const answers = await Promise.all([
      a.answer(inquiryIdOf(a), { kind: 'accept' }),
      b.answer(inquiryIdOf(b), { kind: 'accept' }),
    ]);
    expect(answers.every((x) => x.ok)).toBe(true);
    const closed = await waitFor(() => {
      const both = [a.list()[0]?.closed?.kind, b.list()[0]?.closed?.kind];
      return both.every((k) => k !== undefined) ? both : undefined;
    }, 'both closed');
    expect([...closed].sort()).toEqual(['confirmed', 'withdrawn']);
    await rig.desk.settled();
    const accepted = rig.events.filter((e) => e.type === 'accepted');
    expect(accepted).toHaveLength(1);
    expect(rig.events.filter((e) => e.type === 'ignored')).toHaveLength(1);
    expect(rig.desk.get('case-race')?.targets.filter((t) => t.phase === 'accepted')).toHaveLength(1);
  });

  it('escalates once, by the injected clock, when nobody accepts within 20 minutes', async () => {
    rig = await openRig();
    await askAll(rig, 'case-slow');
    rig.clock.advance(3 * 60_000);
    rig.timers.fireDue();
    await rig.desk.settled();
    expect(rig.events.filter((e) => e.type === 'timedOut')).toHaveLength(3);
    expect(rig.events.some((e) => e.type === 'escalated')).toBe(false);
    rig.clock.advance(17 * 60_000);
    rig.timers.fireDue();
    await rig.desk.settled();
    const escalated = rig.events.filter((e) => e.type === 'escalated');
    expect(escalated).toEqual([expect.objectContaining({ trigger: 'elapsed', refusals: 3 })]);
    expect(rig.desk.get('case-slow')?.escalatedAt).toBe(rig.clock.now());
  });

  it('keeps the last good signed status per hospital; forged, unsigned and misrouted ones are refused', async () => {
    rig = await openRig();
    const r = rig;
    const hospitalA = hospitals[0] as DeviceIdentity;
    const publisher = await StatusPublisher.open({
      hospitalId: 'hosp-test-a',
      dataDir: mkdtempSync(join(tmpdir(), 'ems-status-')),
      identity: hospitalA,
      link: r.statusLinks.get('hosp-test-a') as BrokerLink,
      clock: r.clock,
      logger: silentLogger,
    });
    await waitFor(() => r.board.entries().get('hosp-test-a'), 'status of A on the board');
    r.clock.advance(60_000);
    const { accepts, beds, equipment } = closedStatus('x', 0);
    expect((await publisher.update({ accepts, beds, equipment, erOpen: true, loadPercent: 40 })).ok).toBe(
      true,
    );
    await waitFor(() => r.board.entries().get('hosp-test-a')?.status.erOpen || undefined, 'edited status');
    const linkB = r.statusLinks.get('hosp-test-b') as BrokerLink;
    const forged = { ...publisher.current, erOpen: false, updatedAt: r.clock.now() + 1 };
    // B signs a status for A and publishes it on A's topic; an ambulance signs one; one is unsigned.
    await linkB.publish(
      topics.hospitalStatus('hosp-test-a'),
      signStatement(hospitals[1] as DeviceIdentity, 'hospital-status', JSON.stringify(forged)),
      true,
    );
    await linkB.publish(
      topics.hospitalStatus('hosp-test-a'),
      signStatement(ambulance, 'hospital-status', JSON.stringify(forged)),
      true,
    );
    await linkB.publish(
      topics.hospitalStatus('hosp-test-a'),
      new TextEncoder().encode(JSON.stringify(forged)),
      true,
    );
    await waitFor(() => (r.board.rejectedCount() >= 3 ? true : undefined), 'three refusals');
    expect(r.board.entries().get('hosp-test-a')).toMatchObject({
      source: 'signed',
      status: { erOpen: true, loadPercent: 40 },
    });
  });

  it('never stores a future-dated status, so the next real one is taken (issue 12, M5)', async () => {
    rig = await openRig();
    const r = rig;
    const linkC = r.statusLinks.get('hosp-test-c') as BrokerLink;
    const hospitalC = hospitals[2] as DeviceIdentity;
    // One client, one topic, QoS 1: the broker and the board keep this order.
    const publish = (status: ReturnType<typeof closedStatus>) =>
      linkC.publish(
        topics.hospitalStatus('hosp-test-c'),
        signStatement(hospitalC, 'hospital-status', JSON.stringify(status)),
        true,
      );
    const loadOfC = (load: number) => () =>
      r.board.entries().get('hosp-test-c')?.status.loadPercent === load || undefined;
    // A box whose clock is a day ahead (or a stolen key) signs a genuine-looking status; the real
    // one that follows must be taken.
    await publish({ ...closedStatus('hosp-test-c', r.clock.now() + 86_400_000), loadPercent: 99 });
    r.clock.advance(60_000);
    await publish({ ...closedStatus('hosp-test-c', r.clock.now()), erOpen: true, loadPercent: 10 });
    await waitFor(loadOfC(10), 'the real status after a future-dated one');
    // A status a minute ahead (inside the skew) is taken, and does not hold back the next real one.
    await publish({ ...closedStatus('hosp-test-c', r.clock.now() + 60_000), loadPercent: 20 });
    await waitFor(loadOfC(20), 'a status inside the skew');
    r.clock.advance(10_000);
    await publish({ ...closedStatus('hosp-test-c', r.clock.now()), loadPercent: 30 });
    await waitFor(loadOfC(30), 'the real status after one a minute ahead');
    // A replayed older status still cannot roll it back.
    await publish({ ...closedStatus('hosp-test-c', r.clock.now() - 30_000), loadPercent: 40 });
    await publish({ ...closedStatus('hosp-test-c', r.clock.now()), loadPercent: 50 });
    await waitFor(loadOfC(50), 'the last status');
    expect(r.board.entries().get('hosp-test-c')?.status).toMatchObject({ loadPercent: 50 });
  });
});
