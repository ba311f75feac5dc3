import { describe, expect, it } from 'vitest';
import type {
  AppliedMessage,
  OutboxEntry,
  OutboxStore,
  ReportRecord,
} from '../../src/hospital-feed/index.js';

export const entry = (n: number, patch: Partial<OutboxEntry> = {}): OutboxEntry => ({
  messageId: `message-${n}`,
  reportId: `report-${n}`,
  kind: 'report',
  to: 'hosp-demo-a',
  topic: 'ems/v1/hospital/hosp-demo-a/in',
  sequence: 1,
  createdAt: 1_000 + n,
  expiresAt: 100_000,
  bytes: new Uint8Array([n, 1, 2, 3]),
  transport: 'queued',
  attempts: 0,
  nextAttemptAt: 1_000,
  ...patch,
});

export const report = (n: number, patch: Partial<ReportRecord> = {}): ReportRecord => ({
  reportId: `report-${n}`,
  hospitalId: 'hosp-demo-a',
  lifecycle: 'open',
  hospital: 'none',
  answerSequence: 0,
  sequence: 1,
  latest: 'queued',
  latestMessageId: `message-${n}`,
  expiresAt: 100_000,
  updatedAt: 1_000,
  ...patch,
});

export const applied = (messageId: string, receivedAt: number): AppliedMessage => ({
  messageId,
  reportId: 'report-1',
  from: 'hosp-demo-a',
  receivedAt,
});

/** The contract every OutboxStore passes (as MQTT.js tests every store with one abstract suite). */
export const outboxStoreContract = (
  name: string,
  open: () => { store: OutboxStore; reopen?: () => OutboxStore },
): void => {
  describe(`OutboxStore contract: ${name}`, () => {
    it('stores entries and reports together and reads them back, oldest first', () => {
      const { store } = open();
      expect(store.write({ entries: [entry(2), entry(1)], reports: [report(1), report(2)] }).ok).toBe(true);
      expect(store.live().map((e) => e.messageId)).toEqual(['message-1', 'message-2']);
      expect(store.entry('message-1')).toEqual(entry(1));
      expect(store.report('report-2')).toEqual(report(2));
      expect(store.reports()).toHaveLength(2);
    });

    it('removes an entry written with a terminal transport, keeps its report', () => {
      const { store } = open();
      store.write({ entries: [entry(1), entry(2), entry(3)], reports: [report(1)] });
      store.write({
        entries: [
          entry(1, { transport: 'acknowledged' }),
          entry(2, { transport: 'expired' }),
          entry(3, { transport: 'superseded' }),
        ],
        reports: [report(1, { hospital: 'received', latest: 'acknowledged' })],
      });
      expect(store.live()).toEqual([]);
      expect(store.entry('message-1')).toBeUndefined();
      expect(store.report('report-1')?.hospital).toBe('received');
    });

    it('updates attempts and retry time of a live entry', () => {
      const { store } = open();
      store.write({ entries: [entry(1)] });
      store.write({ entries: [entry(1, { attempts: 3, nextAttemptAt: 9_000, transport: 'at-broker' })] });
      expect(store.entry('message-1')).toMatchObject({
        attempts: 3,
        nextAttemptAt: 9_000,
        transport: 'at-broker',
      });
    });

    it('keeps a decline reason and drops it again', () => {
      const { store } = open();
      store.write({
        reports: [report(1, { hospital: 'declined', declineReason: 'no-bed', answerSequence: 2 })],
      });
      expect(store.report('report-1')?.declineReason).toBe('no-bed');
      store.write({ reports: [report(1, { hospital: 'accepted', answerSequence: 3 })] });
      expect(store.report('report-1')).not.toHaveProperty('declineReason');
    });

    it('does not share the caller’s byte buffer', () => {
      const { store } = open();
      const e = entry(1);
      store.write({ entries: [e] });
      e.bytes[0] = 99;
      expect(store.entry('message-1')?.bytes[0]).toBe(1);
    });

    it('records applied message ids with the report change, and forgets only older ones', () => {
      const { store } = open();
      expect(store.applied('answer-1')).toBeUndefined();
      store.write({ reports: [report(1, { hospital: 'accepted' })], applied: [applied('answer-1', 1_000)] });
      expect(store.applied('answer-1')).toEqual(applied('answer-1', 1_000));
      expect(store.report('report-1')?.hospital).toBe('accepted');
      store.write({ applied: [applied('answer-2', 5_000)], forgetAppliedBefore: 2_000 });
      expect(store.applied('answer-1')).toBeUndefined();
      expect(store.applied('answer-2')).toEqual(applied('answer-2', 5_000));
    });

    it('keeps the first report a form key made, and forgets only older keys (R4)', () => {
      const { store } = open();
      expect(store.formKey('rk-1')).toBeUndefined();
      store.write({
        entries: [entry(1)],
        reports: [report(1)],
        formKeys: [{ key: 'rk-1', reportId: 'report-1', at: 1_000 }],
      });
      store.write({ formKeys: [{ key: 'rk-1', reportId: 'report-2', at: 1_500 }] });
      expect(store.formKey('rk-1')).toEqual({ key: 'rk-1', reportId: 'report-1', at: 1_000 });
      store.write({
        formKeys: [{ key: 'rk-2', reportId: 'report-2', at: 5_000 }],
        forgetFormKeysBefore: 2_000,
      });
      expect(store.formKey('rk-1')).toBeUndefined();
      expect(store.formKey('rk-2')?.reportId).toBe('report-2');
    });

    it('keeps what was written across a reopen (durable stores only)', () => {
      const { store, reopen } = open();
      if (reopen === undefined) return;
      store.write({
        entries: [entry(1)],
        reports: [report(1)],
        applied: [applied('answer-1', 1_000)],
        formKeys: [{ key: 'rk-1', reportId: 'report-1', at: 1_000 }],
      });
      store.close();
      const again = reopen();
      expect(again.formKey('rk-1')?.reportId).toBe('report-1');
      expect(again.live()).toEqual([entry(1)]);
      expect(again.report('report-1')).toEqual(report(1));
      expect(again.applied('answer-1')).toEqual(applied('answer-1', 1_000));
      again.close();
    });

    it('keeps an acknowledgement written with process durability across a reopen, and a later write', () => {
      const { store, reopen } = open();
      store.write({ entries: [entry(1), entry(2)], reports: [report(1), report(2)] });
      store.write({
        entries: [entry(1, { transport: 'acknowledged' })],
        reports: [report(1, { latest: 'acknowledged' })],
        durability: 'process',
      });
      store.write({ entries: [entry(3)] });
      expect(store.live().map((e) => e.messageId)).toEqual(['message-2', 'message-3']);
      if (reopen === undefined) return;
      store.close();
      const again = reopen();
      expect(again.live().map((e) => e.messageId)).toEqual(['message-2', 'message-3']);
      expect(again.report('report-1')?.latest).toBe('acknowledged');
      again.close();
    });
  });
};
