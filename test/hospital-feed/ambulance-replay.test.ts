import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { MemoryReplayStore } from '../../src/crypto/index.js';
import {
  encodeBody,
  MIN_RETENTION_MS,
  SqliteOutboxStore,
  topics,
  type AnswerBody,
  type ReportRecord,
} from '../../src/hospital-feed/index.js';
import type { EnvelopeCodec } from '../../src/hospital-feed/index.js';
import type { DemoKeys } from '../../src/roles/demo-keys.js';
import { unitOnFakeLink, unwrap } from '../support/feed/harness.js';
import { feedCodec, feedKeys } from '../support/feed/keys.js';
import { FeedProcess } from '../support/feed/process.js';
import { sampleReport } from '../support/feed/sample.js';
import { waitFor } from '../support/wait.js';

const REPORT_ID = '0f6b7d2e-0000-4000-8000-00000000aa01';
const HOSPITAL_INBOX = topics.hospitalInbox('hosp-demo-a');

/** A report the hospital has received, waiting for its answer. */
const received = (now: number): ReportRecord => ({
  reportId: REPORT_ID,
  hospitalId: 'hosp-demo-a',
  lifecycle: 'open',
  hospital: 'received',
  answerSequence: 0,
  sequence: 1,
  latest: 'acknowledged',
  latestMessageId: 'report-message-1',
  expiresAt: now + 3600_000,
  updatedAt: now,
});

const setup = async (clock = new ManualClock(Date.now())) => {
  const dir = mkdtempSync(join(tmpdir(), 'ambulance-replay-'));
  const keys = await feedKeys(dir);
  const file = join(dir, 'outbox.sqlite');
  const seed = unwrap(SqliteOutboxStore.open(file));
  seed.write({ reports: [received(clock.now())] });
  seed.close();
  return { dir, keys, file, clock };
};

/** The hospital's answer, sealed by its real codec: the bytes its outbox sends, and sends again. */
const answerFrom = async (keys: DemoKeys, clock: ManualClock, sequence: number, body: AnswerBody) => {
  const hospital = await feedCodec(keys, 'hosp-demo-a', { store: new MemoryReplayStore() }, clock);
  const encoded = encodeBody({ kind: 'answer', body });
  if (!encoded.ok) throw new Error('bad body');
  return hospital.codec.seal({
    kind: 'answer',
    to: 'amb-demo-01',
    body: encoded.value,
    stream: REPORT_ID,
    sequence,
    expiresAt: clock.now() + 3600_000,
  });
};

const accept: AnswerBody = { reportId: REPORT_ID, decision: 'accept' };

describe('ambulance replay check on its outbox database', () => {
  it('acknowledges again a replayed answer whose first acknowledgement was lost, and applies it once', async () => {
    const s = await setup();
    const unit = await unitOnFakeLink(s.keys, unwrap(SqliteOutboxStore.open(s.file)), s.clock);
    const states: string[] = [];
    unit.feed.on('report', (v) => states.push(v.state));
    const answer = await answerFrom(s.keys, s.clock, 1, accept);
    await unit.deliver(answer.bytes);
    expect(unit.feed.report(REPORT_ID)?.state).toBe('accepted');
    // The acknowledgement was lost: the hospital's outbox sends the same envelope again.
    await unit.deliver(answer.bytes);
    await new Promise((resolve) => setImmediate(resolve));
    expect(states).toEqual(['accepted']);
    expect(unit.counts).toMatchObject({ received: 1, duplicates: 1, rejected: {} });
    // One acknowledgement per copy, so the hospital stops resending.
    expect(unit.published.filter((t) => t === HOSPITAL_INBOX)).toHaveLength(2);
    unit.feed.stop();
  });

  it('forgets applied ids only once no copy can be accepted any more', async () => {
    const s = await setup();
    const store = unwrap(SqliteOutboxStore.open(s.file));
    const unit = await unitOnFakeLink(s.keys, store, s.clock);
    const first = await answerFrom(s.keys, s.clock, 1, accept);
    await unit.deliver(first.bytes);
    s.clock.advance(MIN_RETENTION_MS - 1);
    const second = await answerFrom(s.keys, s.clock, 2, { ...accept, decision: 'decline', reason: 'no-bed' });
    await unit.deliver(second.bytes);
    expect(store.applied(first.messageId)).toBeDefined();
    s.clock.advance(2);
    const third = await answerFrom(s.keys, s.clock, 3, accept);
    await unit.deliver(third.bytes);
    expect(store.applied(first.messageId)).toBeUndefined();
    expect(store.applied(second.messageId)).toBeDefined();
    unit.feed.stop();
  });

  it(
    'applies the resend after a kill -9 between "seen" and "applied": the crew sees accepted',
    { timeout: 30_000 },
    async () => {
      const s = await setup(new ManualClock(Date.now()));
      const answer = await answerFrom(s.keys, s.clock, 1, accept);
      writeFileSync(join(s.dir, 'answer.bin'), answer.bytes);
      const child = new FeedProcess('answer-process', { EMS_DIR: s.dir });
      child.start();
      const ended = await waitFor(() => child.ended, 'the child killed in its transaction', 20_000);
      expect(ended.signal).toBe('SIGKILL');
      expect(child.current).toEqual(['killing']);

      // Neither the id nor the answer survived: the id would have made the resend a "replay".
      const store = unwrap(SqliteOutboxStore.open(s.file));
      expect(store.applied(answer.messageId)).toBeUndefined();
      expect(store.report(REPORT_ID)?.hospital).toBe('received');
      const unit = await unitOnFakeLink(s.keys, store, s.clock);
      expect(unit.feed.report(REPORT_ID)?.state).toBe('received');
      await unit.deliver(answer.bytes);
      expect(unit.feed.report(REPORT_ID)?.state).toBe('accepted');
      expect(unit.counts).toMatchObject({ received: 1, duplicates: 0, rejected: {} });
      expect(store.applied(answer.messageId)).toMatchObject({ reportId: REPORT_ID, from: 'hosp-demo-a' });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unit.published).toEqual([HOSPITAL_INBOX]);
      unit.feed.stop();
    },
  );

  it('stop() closes the outbox database', async () => {
    const s = await setup();
    const store = unwrap(SqliteOutboxStore.open(s.file));
    const unit = await unitOnFakeLink(s.keys, store, s.clock);
    unit.feed.stop();
    expect(() => store.reports()).toThrow(/not open/);
    // A message arriving after stop changes nothing and does not throw.
    await unit.deliver((await answerFrom(s.keys, s.clock, 1, accept)).bytes);
    // Closed, so the WAL was checkpointed and removed, and the file can be reopened.
    expect(existsSync(`${s.file}-wal`)).toBe(false);
    const again = unwrap(SqliteOutboxStore.open(s.file));
    expect(again.report(REPORT_ID)?.hospital).toBe('received');
    again.close();
    rmSync(s.dir, { recursive: true });
  });

  it('keeps an answer applied while an update was being sealed', async () => {
    const s = await setup();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The update's seal waits until the hospital's answer has been applied.
    const held = (codec: EnvelopeCodec): EnvelopeCodec => ({
      seal: async (input) => {
        await gate;
        return codec.seal(input);
      },
      open: (bytes) => codec.open(bytes),
    });
    const unit = await unitOnFakeLink(s.keys, unwrap(SqliteOutboxStore.open(s.file)), s.clock, held);
    const updating = unit.feed.update(REPORT_ID, sampleReport(1, s.clock.now()));
    await unit.deliver((await answerFrom(s.keys, s.clock, 1, accept)).bytes);
    expect(unit.feed.report(REPORT_ID)?.state).toBe('accepted');
    release();
    const updated = await updating;
    expect(updated.ok && updated.value.state).toBe('accepted');
    unit.feed.stop();
    const reopened = unwrap(SqliteOutboxStore.open(s.file));
    expect(reopened.reports().find((r) => r.reportId === REPORT_ID)).toMatchObject({
      hospital: 'accepted',
      sequence: 2,
    });
    reopened.close();
  });
});
