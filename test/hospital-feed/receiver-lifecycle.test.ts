import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { MemoryReplayStore } from '../../src/crypto/index.js';
import {
  decodeBody,
  encodeBody,
  MemoryOutboxStore,
  Receiver,
  SqliteInboxStore,
  type EnvelopeCodec,
} from '../../src/hospital-feed/index.js';
import { createLogger, silentLogger, type Logger } from '../../src/log/index.js';
import { fakeLink, manualTimers } from '../support/feed/fake-link.js';
import { counting, FAST_POLICY, unwrap } from '../support/feed/harness.js';
import { feedCodec, feedKeys } from '../support/feed/keys.js';
import { sampleReport } from '../support/feed/sample.js';

const DAY = 86_400_000;

const setup = async (
  logger: Logger = silentLogger,
  wrap: (codec: EnvelopeCodec) => EnvelopeCodec = (codec) => codec,
) => {
  const dir = mkdtempSync(join(tmpdir(), 'receiver-life-'));
  const keys = await feedKeys(dir);
  const clock = new ManualClock(Date.now());
  const inbox = unwrap(SqliteInboxStore.open(join(dir, 'inbox.sqlite')));
  const hospital = await feedCodec(keys, 'hosp-demo-a', { inbox }, clock);
  const unit = await feedCodec(keys, 'amb-demo-01', { store: new MemoryReplayStore() }, clock);
  const { link, published, payloads, deliver } = fakeLink();
  const { timers, fireAll, pending } = manualTimers();
  const { counts, counters } = counting();
  const receiver = new Receiver({
    hospitalId: 'hosp-demo-a',
    codec: wrap(hospital.codec),
    link,
    inbox,
    outboxStore: new MemoryOutboxStore(),
    clock,
    timers,
    random: () => 0.5,
    policy: FAST_POLICY,
    maxInFlight: 20,
    replyTtlMs: 3600_000,
    retentionMs: 7 * DAY,
    counters,
    logger,
  });
  await receiver.start();
  const report = async (reportId: string) => {
    const body = encodeBody({ kind: 'report', body: { ...sampleReport(1, clock.now()), reportId } });
    if (!body.ok) throw new Error('bad body');
    return unit.codec.seal({
      kind: 'report',
      to: 'hosp-demo-a',
      body: body.value,
      stream: reportId,
      sequence: 1,
      expiresAt: clock.now() + 3600_000,
    });
  };
  return { receiver, inbox, clock, published, payloads, deliver, fireAll, pending, counts, report, unit };
};

describe('receiver lifecycle on the real codec', () => {
  it('acknowledges a redelivered (replayed) stored message again and shows it once', async () => {
    const r = await setup();
    const sealed = await r.report('0f6b7d2e-0000-4000-8000-000000000001');
    const shown: string[] = [];
    r.receiver.on('board', (e) => shown.push(e.type));
    await r.deliver(sealed.bytes);
    await r.deliver(sealed.bytes);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shown).toEqual(['report-new']);
    expect(r.counts).toMatchObject({ received: 1, duplicates: 1, rejected: {} });
    // One acknowledgement per copy: the unit's lost acknowledgement is repaired.
    expect(r.published.filter((t) => t.includes('amb-demo-01'))).toHaveLength(2);
    r.receiver.stop();
  });

  it('acknowledges what one commit stored from one unit in one signed envelope naming each', async () => {
    const r = await setup();
    const sealed = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => r.report(`0f6b7d2e-0000-4000-8000-00000000010${n}`)),
    );
    // Delivered together, as the broker hands over what was queued: one inbox commit (group commit).
    await Promise.all(sealed.map((s) => r.deliver(s.bytes)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.counts).toMatchObject({ received: 5, duplicates: 0, rejected: {} });
    const acks = r.payloads.filter((_, i) => r.published[i]?.includes('amb-demo-01'));
    expect(acks).toHaveLength(1);
    const opened = unwrap(await r.unit.codec.open(acks[0] ?? new Uint8Array()));
    const ack = unwrap(decodeBody(opened.kind, opened.body));
    expect(ack.kind === 'ack' && ack.body.stage === 'received' ? [...ack.body.of].sort() : []).toEqual(
      sealed.map((s) => s.messageId).sort(),
    );
    r.receiver.stop();
  });

  it('survives an acknowledgement it cannot seal (the unit’s key gone from the directory): shown, logged, not sent', async () => {
    const lines: string[] = [];
    const r = await setup(
      createLogger({ level: 'warn', sink: (line) => void lines.push(line) }),
      (codec) => ({
        open: (bytes) => codec.open(bytes),
        seal: (input) =>
          input.kind === 'ack' ? Promise.reject(new Error('unknown recipient')) : codec.seal(input),
      }),
    );
    const shown: string[] = [];
    r.receiver.on('board', (e) => shown.push(e.type));
    await r.deliver((await r.report('0f6b7d2e-0000-4000-8000-000000000201')).bytes);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    // Before: an unhandled rejection, which ends a Node process.
    expect(shown).toEqual(['report-new']);
    expect(r.published.filter((t) => t.includes('amb-demo-01'))).toEqual([]);
    expect(lines.some((l) => l.includes('acknowledgement not sealed'))).toBe(true);
    r.receiver.stop();
  });

  it('answers every replay with the acknowledgement it already signed (issue 12)', async () => {
    const r = await setup();
    const sealed = await r.report('0f6b7d2e-0000-4000-8000-000000000003');
    for (let i = 0; i < 6; i++) await r.deliver(sealed.bytes);
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.counts).toMatchObject({ received: 1, duplicates: 5, rejected: {} });
    const acks = r.payloads.filter((_, i) => r.published[i]?.includes('amb-demo-01'));
    expect(acks).toHaveLength(6);
    // The same bytes each time: one signature, whatever the number of copies an attacker replays.
    expect(new Set(acks.map((a) => Buffer.from(a).toString('hex'))).size).toBe(1);
    r.receiver.stop();
  });

  it('logs refused garbage as one summary line per interval, counting each (issue 12, L9)', async () => {
    const lines: string[] = [];
    const r = await setup(createLogger({ level: 'info', sink: (line) => void lines.push(line) }));
    const garbage = new TextEncoder().encode('EMSE garbage that is no envelope');
    for (let i = 0; i < 200; i++) await r.deliver(garbage);
    expect(r.counts.rejected).toEqual({ malformed: 200 });
    const refusals = () => lines.filter((l) => l.includes('refused'));
    expect(refusals()).toHaveLength(0);
    r.fireAll();
    expect(refusals()).toHaveLength(1);
    expect(JSON.parse(refusals()[0] as string)).toMatchObject({ total: 200, malformed: 200 });
    for (let i = 0; i < 50; i++) await r.deliver(garbage);
    r.receiver.stop();
    expect(refusals()).toHaveLength(2);
    expect(JSON.parse(refusals()[1] as string)).toMatchObject({ total: 50 });
  });

  it('purges reports past retentionDays on its timer, never ids younger than an envelope can live', async () => {
    const r = await setup();
    await r.deliver((await r.report('0f6b7d2e-0000-4000-8000-000000000002')).bytes);
    const purged: number[] = [];
    r.receiver.on('purged', (n) => purged.push(n));
    r.fireAll();
    expect(r.receiver.all()).toHaveLength(1);
    r.clock.advance(7 * DAY + 1);
    r.fireAll();
    expect(purged).toEqual([1]);
    expect(r.receiver.all()).toEqual([]);
    r.receiver.stop();
  });

  it('stop() clears its timer and closes the inbox', async () => {
    const r = await setup();
    expect(r.pending.size).toBeGreaterThan(0);
    r.receiver.stop();
    expect(r.pending.size).toBe(0);
    expect(() => r.inbox.reports()).toThrow(/not open/);
  });
});
