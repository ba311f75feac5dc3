import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock, ok } from '../../src/core/index.js';
import type { DirectoryView } from '../../src/crypto/index.js';
import type { DispatchIncoming, EnvelopeCodec, PublishLink } from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import { HospitalInquiries, INQUIRIES_FILE, SqliteInquiryStore } from '../../src/roles/hospital/index.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');

/**
 * Issue 15 (Board): a dispatch inquiry stayed answerable after its 2-minute deadline. The refusal is
 * the hospital's own (server side), whatever a page still shows.
 */
describe('acceptance inquiry deadline', () => {
  const rig = () => {
    const clock = new ManualClock(T0);
    const published: string[] = [];
    const link = {
      isUp: true,
      receiveMaximum: undefined,
      publish: (topic: string) => {
        published.push(topic);
        return Promise.resolve(ok(undefined));
      },
      on: () => undefined,
    } as unknown as PublishLink;
    // The directory says the sender is a dispatch centre; the codec seals to bytes without crypto.
    const directory = { current: { currentKey: () => ({ role: 'dispatch' }) } } as unknown as DirectoryView;
    const codec = {
      seal: () => Promise.resolve({ messageId: 'm-00000001', bytes: new Uint8Array([1]) }),
    } as unknown as EnvelopeCodec;
    const store = SqliteInquiryStore.open(join(mkdtempSync(join(tmpdir(), 'ems-inq-')), INQUIRIES_FILE));
    if (!store.ok) throw new Error(store.error);
    const inquiries = new HospitalInquiries({
      store: store.value,
      hospitalId: 'hosp-demo-a',
      codec,
      link,
      directory,
      clock,
      logger: createLogger({ level: 'error' }),
    });
    const received: string[] = [];
    inquiries.on('received', (q) => received.push(q.message.inquiryId));
    inquiries.receive({
      envelope: { from: 'dispatch-demo' },
      dispatch: {
        kind: 'inquiry',
        body: {
          inquiryId: 'case-1-q1',
          hospitalId: 'hosp-demo-a',
          caseId: 'case-1',
          ageBand: '65-74',
          sex: 'male',
          category: 'stroke',
          acuity: 'serious',
          etaMinutes: 12,
          sentAt: T0,
          answerBy: T0 + 120_000,
        },
      },
    } as unknown as DispatchIncoming);
    return { clock, inquiries, published, received };
  };

  it('takes an answer before the deadline', async () => {
    const { clock, inquiries, published, received } = rig();
    expect(received).toEqual(['case-1-q1']);
    clock.set(T0 + 119_999);
    const answered = await inquiries.answer('case-1-q1', { kind: 'accept' });
    expect(answered.ok).toBe(true);
    expect(published).toHaveLength(1);
  });

  it('refuses an answer at or after the deadline and sends nothing', async () => {
    const { clock, inquiries, published } = rig();
    clock.set(T0 + 120_000);
    const first = inquiries.list()[0];
    expect(first !== undefined && inquiries.answerable(first)).toBe(false);
    expect(await inquiries.answer('case-1-q1', { kind: 'accept' })).toEqual({ ok: false, error: 'expired' });
    expect(await inquiries.answer('case-1-q1', { kind: 'decline', reason: 'bedsFull' })).toEqual({
      ok: false,
      error: 'expired',
    });
    expect(published).toEqual([]);
    expect(inquiries.list()[0]?.answer).toBeUndefined();
  });
});
