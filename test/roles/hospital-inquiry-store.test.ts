import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { err, ManualClock, ok } from '../../src/core/index.js';
import type { DirectoryView } from '../../src/crypto/index.js';
import type { InquiryMessage } from '../../src/dispatch/index.js';
import type {
  DispatchIncoming,
  DispatchMessage,
  EnvelopeCodec,
  PublishLink,
} from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import {
  HospitalInquiries,
  INQUIRIES_FILE,
  SqliteInquiryStore,
  type IncomingInquiry,
} from '../../src/roles/hospital/index.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');
const HOSPITAL = 'hosp-demo-a';
const DISPATCH = 'dispatch-demo';

const inquiry = (n: number, sentAt = T0): InquiryMessage => ({
  inquiryId: `case-${n}-q1`,
  hospitalId: HOSPITAL,
  caseId: `case-${n}`,
  ageBand: '65-74',
  sex: 'male',
  category: 'stroke',
  acuity: 'serious',
  etaMinutes: 12,
  sentAt,
  answerBy: sentAt + 120_000,
});

const incoming = (dispatch: DispatchMessage): DispatchIncoming =>
  ({ envelope: { from: DISPATCH }, dispatch }) as unknown as DispatchIncoming;

const opened: SqliteInquiryStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/**
 * The hospital's acceptance inquiries in their own SQLite file: what the desk saw, answered and was
 * told survives the store being opened again (as after a kill -9: every change is one commit before
 * the call returns), within its bounds, and a row that does not read back is left out, not fatal.
 */
describe('hospital inquiry store', () => {
  const rig = (file: string, clock = new ManualClock(T0)) => {
    const store = SqliteInquiryStore.open(file);
    if (!store.ok) throw new Error(store.error);
    opened.push(store.value);
    const published: string[] = [];
    const link = {
      up: true,
      /** A publish that never hears its PUBACK (the box dies first) when set. */
      hang: false,
      isUp: true,
      receiveMaximum: undefined,
      publish(topic: string) {
        if (this.hang) return new Promise(() => undefined);
        if (!this.up) return Promise.resolve(err('offline'));
        published.push(topic);
        return Promise.resolve(ok(undefined));
      },
      on: () => undefined,
    };
    const directory = { current: { currentKey: () => ({ role: 'dispatch' }) } } as unknown as DirectoryView;
    const codec = {
      seal: () => Promise.resolve({ messageId: 'm-00000001', bytes: new Uint8Array([1]) }),
    } as unknown as EnvelopeCodec;
    const lines: string[] = [];
    const inquiries = new HospitalInquiries({
      hospitalId: HOSPITAL,
      codec,
      link: link as unknown as PublishLink,
      directory,
      clock,
      logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }),
      store: store.value,
    });
    const received: string[] = [];
    inquiries.on('received', (q) => received.push(q.message.inquiryId));
    return { store: store.value, inquiries, link, clock, published, received, lines };
  };
  const fileIn = (): string => join(mkdtempSync(join(tmpdir(), 'ems-inquiries-')), INQUIRIES_FILE);
  const byId = (list: readonly IncomingInquiry[], n: number): IncomingInquiry | undefined =>
    list.find((q) => q.message.inquiryId === `case-${n}-q1`);

  it('keeps inquiries, answers (sent or not) and closings across a reopen; a redelivered copy is not shown twice', async () => {
    const file = fileIn();
    const first = rig(file);
    for (const n of [1, 2, 3, 4]) first.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(n) }));
    // 1: the link refuses the answer ("not sent, press again").
    first.link.up = false;
    expect(await first.inquiries.answer('case-1-q1', { kind: 'accept' })).toEqual(err('notSent'));
    first.link.up = true;
    // 2: withdrawn; 3: declined, sent, then confirmed is impossible, so accepted and confirmed.
    const body = (n: number) => ({ inquiryId: `case-${n}-q1`, caseId: `case-${n}`, hospitalId: HOSPITAL });
    first.inquiries.receive(
      incoming({ kind: 'withdrawal', body: { ...body(2), reason: 'acceptedElsewhere' } }),
    );
    expect((await first.inquiries.answer('case-3-q1', { kind: 'accept' })).ok).toBe(true);
    first.inquiries.receive(incoming({ kind: 'confirmation', body: body(3) }));
    // 4: declined with a reason, sent.
    expect((await first.inquiries.answer('case-4-q1', { kind: 'decline', reason: 'bedsFull' })).ok).toBe(
      true,
    );
    const before = first.inquiries.list();
    first.store.close();

    const second = rig(file, new ManualClock(T0 + 60_000));
    expect(second.inquiries.list()).toEqual(before);
    const [one, two, three, four] = [1, 2, 3, 4].map((n) => byId(second.inquiries.list(), n));
    expect(one).toMatchObject({ answer: { kind: 'accept' }, answerSent: false });
    expect(one !== undefined && second.inquiries.answerable(one)).toBe(true);
    expect(two?.closed).toEqual({ kind: 'withdrawn', reason: 'acceptedElsewhere' });
    expect(three).toMatchObject({
      answer: { kind: 'accept' },
      answerSent: true,
      closed: { kind: 'confirmed' },
    });
    expect(four).toMatchObject({ answer: { kind: 'decline', reason: 'bedsFull' }, answerSent: true });
    // The broker delivers inquiry 1 again after the restart: nothing new on the desk.
    second.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(1) }));
    expect(second.received).toEqual([]);
    expect(second.inquiries.list()).toHaveLength(4);
    // Closed stays closed; the unsent answer can be pressed again and is then sent.
    expect(await second.inquiries.answer('case-2-q1', { kind: 'accept' })).toEqual(err('closed'));
    expect(await second.inquiries.answer('case-4-q1', { kind: 'accept' })).toEqual(err('closed'));
    expect((await second.inquiries.answer('case-1-q1', { kind: 'accept' })).ok).toBe(true);
    expect(second.published).toHaveLength(1);
    second.store.close();

    const third = rig(file, new ManualClock(T0 + 60_000));
    expect(byId(third.inquiries.list(), 1)).toMatchObject({ answer: { kind: 'accept' }, answerSent: true });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('an answer given but not yet taken by the broker is found "not sent" by the next process', async () => {
    const file = fileIn();
    const first = rig(file);
    first.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(1) }));
    first.link.hang = true;
    void first.inquiries.answer('case-1-q1', { kind: 'decline', reason: 'noSpecialist' });
    // The process is gone before the PUBACK: another one opens the same file.
    await new Promise((resolve) => setImmediate(resolve));
    const next = rig(file, new ManualClock(T0 + 30_000));
    const q = byId(next.inquiries.list(), 1);
    expect(q).toMatchObject({ answer: { kind: 'decline', reason: 'noSpecialist' }, answerSent: false });
    expect(q !== undefined && next.inquiries.answerable(q)).toBe(true);
  });

  it('is bounded: the latest 50, none an hour past its deadline, in memory and in the file', () => {
    const file = fileIn();
    const clock = new ManualClock(T0);
    const first = rig(file, clock);
    for (let n = 1; n <= 60; n++) first.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(n) }));
    expect(first.inquiries.list()).toHaveLength(50);
    expect(first.inquiries.list()[0]?.message.inquiryId).toBe('case-60-q1');
    expect(byId(first.inquiries.list(), 10)).toBeUndefined();
    const count = (): number => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM inquiries').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    expect(count()).toBe(50);
    // An hour and a bit past their deadline the first 60 go with the next inquiry.
    clock.set(T0 + 120_000 + 3600_000 + 1);
    first.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(61, clock.now()) }));
    expect(first.inquiries.list().map((q) => q.message.inquiryId)).toEqual(['case-61-q1']);
    expect(count()).toBe(1);
    first.store.close();
    // Opened later still, the rest is forgotten at load too.
    const later = rig(file, new ManualClock(clock.now() + 2 * 3600_000));
    expect(later.inquiries.list()).toEqual([]);
    expect(count()).toBe(0);
  });

  it('leaves out a row that does not read back, logs only how many, and goes on', () => {
    const file = fileIn();
    const first = rig(file);
    for (const n of [1, 2, 3]) first.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(n) }));
    first.store.close();
    const db = new Database(file);
    // Garbage in the message, a message that is another inquiry's, an answer half written.
    db.prepare(
      'UPDATE inquiries SET message = \'{"inquiryId": "case-1-q1", "ageBand"\' WHERE inquiry_id = \'case-1-q1\'',
    ).run();
    db.prepare("UPDATE inquiries SET inquiry_id = 'case-9-q1' WHERE inquiry_id = 'case-2-q1'").run();
    db.prepare("UPDATE inquiries SET decline_reason = 'bedsFull' WHERE inquiry_id = 'case-3-q1'").run();
    db.close();
    const next = rig(file);
    expect(next.inquiries.list()).toEqual([]);
    const warning = next.lines.find((l) => l.includes('inquiry rows unreadable'));
    expect(warning).toBeDefined();
    expect(JSON.parse(warning ?? '{}')).toMatchObject({ count: 3 });
    for (const line of next.lines) expect(line).not.toMatch(/stroke|65-74|male|case-/);
    // The desk works on: a new inquiry, and a redelivered one replaces its unreadable row.
    next.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(1) }));
    next.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(4) }));
    expect(next.received).toEqual(['case-1-q1', 'case-4-q1']);
    next.store.close();
    const again = rig(file);
    expect(again.inquiries.list().map((q) => q.message.inquiryId)).toEqual(['case-4-q1', 'case-1-q1']);
  });

  it('a store that cannot write keeps the desk working from memory and says so with the code only', async () => {
    const first = rig(fileIn());
    first.store.close();
    first.inquiries.receive(incoming({ kind: 'inquiry', body: inquiry(1) }));
    expect(first.received).toEqual(['case-1-q1']);
    expect((await first.inquiries.answer('case-1-q1', { kind: 'accept' })).ok).toBe(true);
    expect(first.inquiries.list()[0]).toMatchObject({ answer: { kind: 'accept' }, answerSent: true });
    const failures = first.lines.filter((l) => l.includes('inquiry not stored'));
    expect(failures.length).toBeGreaterThan(0);
    for (const line of failures) expect(JSON.parse(line)).toMatchObject({ code: 'storage-failed' });
    for (const line of first.lines) expect(line).not.toMatch(/stroke|65-74|male|case-/);
  });
});
