import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { MemoryReplayStore } from '../../src/crypto/index.js';
import { encodeBody, SqliteOutboxStore } from '../../src/hospital-feed/index.js';
import { unitOnFakeLink, unwrap } from '../support/feed/harness.js';
import { feedCodec, feedKeys } from '../support/feed/keys.js';
import { sampleReport } from '../support/feed/sample.js';

/**
 * One `ack received` names every envelope one commit stored from a unit (docs/protocol.md): the unit
 * takes it only if each envelope it names went to the hospital that signed it.
 */
it('an acknowledgement naming several envelopes ends them all, and none when one went to another hospital', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'receipts-'));
  const keys = await feedKeys(dir);
  const clock = new ManualClock(Date.now());
  const store = unwrap(SqliteOutboxStore.open(join(dir, 'outbox.sqlite')));
  const unit = await unitOnFakeLink(keys, store, clock);
  await unit.feed.start();
  const toA = [
    unwrap(await unit.feed.submitReport('hosp-demo-a', sampleReport(1, clock.now()))),
    unwrap(await unit.feed.submitReport('hosp-demo-a', sampleReport(2, clock.now()))),
  ];
  const toB = unwrap(await unit.feed.submitReport('hosp-demo-b', sampleReport(3, clock.now())));
  const idOf = (reportId: string): string =>
    store.live().find((e) => e.reportId === reportId)?.messageId ?? 'missing';
  const hospitalA = await feedCodec(keys, 'hosp-demo-a', { store: new MemoryReplayStore() }, clock);
  const ackFromA = async (of: string[]) => {
    const body = encodeBody({
      kind: 'ack',
      body: { reportId: toA[0]?.reportId ?? '', stage: 'received', of },
    });
    if (!body.ok) throw new Error('bad body');
    return hospitalA.codec.seal({
      kind: 'ack',
      to: 'amb-demo-01',
      body: body.value,
      stream: toA[0]?.reportId ?? '',
      sequence: 1,
      expiresAt: clock.now() + 3600_000,
    });
  };
  const settled = () => new Promise((resolve) => setImmediate(resolve));

  // Hospital A names B's envelope among its own: refused whole, nothing of it is taken.
  await unit.deliver((await ackFromA([...toA.map((r) => idOf(r.reportId)), idOf(toB.reportId)])).bytes);
  await settled();
  expect(unit.counts.rejected['unknown-report']).toBe(1);
  expect(unit.feed.pending).toBe(3);

  // Its own two, in one envelope: both leave the outbox in one write, and the crew sees them received.
  await unit.deliver((await ackFromA(toA.map((r) => idOf(r.reportId)))).bytes);
  await settled();
  expect(unit.feed.pending).toBe(1);
  expect(toA.map((r) => unit.feed.report(r.reportId)?.state)).toEqual(['received', 'received']);
  expect(unit.feed.report(toB.reportId)?.state).not.toBe('received');
  expect(store.live().map((e) => e.reportId)).toEqual([toB.reportId]);
  store.close();
});

it('the unit applies a hospital message whose acknowledgement it cannot seal, and stays up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'receipts-'));
  const keys = await feedKeys(dir);
  const clock = new ManualClock(Date.now());
  const store = unwrap(SqliteOutboxStore.open(join(dir, 'outbox.sqlite')));
  const unit = await unitOnFakeLink(keys, store, clock, (codec) => ({
    open: (bytes) => codec.open(bytes),
    seal: (input) =>
      input.kind === 'ack' ? Promise.reject(new Error('unknown recipient')) : codec.seal(input),
  }));
  await unit.feed.start();
  const sent = unwrap(await unit.feed.submitReport('hosp-demo-a', sampleReport(1, clock.now())));
  const hospital = await feedCodec(keys, 'hosp-demo-a', { store: new MemoryReplayStore() }, clock);
  const body = encodeBody({ kind: 'answer', body: { reportId: sent.reportId, decision: 'accept' } });
  if (!body.ok) throw new Error('bad body');
  const answer = await hospital.codec.seal({
    kind: 'answer',
    to: 'amb-demo-01',
    body: body.value,
    stream: sent.reportId,
    sequence: 1,
    expiresAt: clock.now() + 3600_000,
  });
  await unit.deliver(answer.bytes);
  await new Promise((resolve) => setImmediate(resolve));
  // Before: an unhandled rejection from the acknowledgement, which ends a Node process.
  expect(unit.feed.report(sent.reportId)?.state).toBe('accepted');
  expect(unit.published.filter((t) => t.includes('hosp-demo-a') && t.endsWith('/in'))).toHaveLength(1);
  store.close();
});
