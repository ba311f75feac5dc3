import Database from 'better-sqlite3';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { err, ManualClock, ok } from '../../src/core/index.js';
import type { DirectoryView } from '../../src/crypto/index.js';
import { RegionalInquiryPolicies, type InquiryRequest } from '../../src/dispatch/index.js';
import type { DispatchIncoming, EnvelopeCodec, PublishLink, Timers } from '../../src/hospital-feed/index.js';
import { createLogger } from '../../src/log/index.js';
import {
  CASES_FILE,
  DispatchCases,
  InquiryDesk,
  SqliteCaseStore,
  TimelineStore,
  caseRetention,
} from '../../src/roles/dispatch/index.js';
import { unwrap } from '../support/feed/harness.js';

const T0 = Date.parse('2026-11-30T08:00:00Z');
const HOUR = 3600_000;

const request = (caseId: string): InquiryRequest => ({
  caseId,
  ageBand: '75-89',
  sex: 'female',
  category: 'stroke',
  acuity: 'serious',
});

const opened: SqliteCaseStore[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/**
 * The dispatch centre's cases in their own SQLite file: a restarted dispatch process (each change is
 * one commit before its commands go out) still knows whom each case asked and where their answers
 * stand, confirms a late acceptance, applies a deadline that passed while it was down, and leaves out
 * a row that does not read back.
 */
describe('dispatch case store', () => {
  const fileIn = (): string => join(mkdtempSync(join(tmpdir(), 'ems-cases-')), CASES_FILE);

  const rig = (file: string, clock = new ManualClock(T0)) => {
    const store = SqliteCaseStore.open(file);
    if (!store.ok) throw new Error(store.error);
    opened.push(store.value);
    const lines: string[] = [];
    const loaded = store.value.load(caseRetention(clock.now()), clock.now());
    if (!loaded.ok) throw new Error(loaded.error);
    const published: { topic: string; kind: string }[] = [];
    const refused = new Set<string>();
    let kind = '';
    const codec = {
      seal: (input: { kind: string }) => {
        kind = input.kind;
        return Promise.resolve({ messageId: 'm-00000001', bytes: new Uint8Array([1]) });
      },
    } as unknown as EnvelopeCodec;
    const link = {
      isUp: true,
      receiveMaximum: undefined,
      publish: (topic: string) => {
        if ([...refused].some((h) => topic.includes(h))) return Promise.resolve(err('offline'));
        published.push({ topic, kind });
        return Promise.resolve(ok(undefined));
      },
      on: () => undefined,
    } as unknown as PublishLink;
    const due: { fn: () => void; at: number }[] = [];
    const timers: Timers = {
      setTimeout: (fn, ms) => {
        const t = { fn, at: clock.now() + ms };
        due.push(t);
        return t;
      },
      clearTimeout: (handle) => {
        const i = due.indexOf(handle as (typeof due)[number]);
        if (i >= 0) due.splice(i, 1);
      },
    };
    const desk = new InquiryDesk({
      codec,
      link,
      directory: { current: { currentKey: () => ({ role: 'hospital' }) } } as unknown as DirectoryView,
      clock,
      timers,
      policies: v.parse(RegionalInquiryPolicies, { default: { regionalCentreId: 'hosp-centre' } }),
      regionId: 'test',
      logger: createLogger({ level: 'debug', sink: (line) => lines.push(line) }),
      store: store.value,
      restored: loaded.value.cases,
    });
    const fireDue = async (): Promise<void> => {
      for (const t of due.filter((d) => d.at <= clock.now())) {
        due.splice(due.indexOf(t), 1);
        t.fn();
      }
      await desk.settled();
    };
    return { store: store.value, loaded: loaded.value, desk, clock, published, refused, fireDue, lines };
  };

  let envelopes = 0;
  const answer = (
    inquiryId: string,
    hospitalId: string,
    kind: 'accept' | 'decline',
    messageId = `m-answer-${(envelopes += 1)}`,
  ): DispatchIncoming =>
    ({
      envelope: { from: hospitalId, messageId },
      dispatch: {
        kind: 'inquiry-answer',
        body: {
          inquiryId,
          hospitalId,
          answer: kind === 'accept' ? { kind } : { kind, reason: 'bedsFull' },
        },
      },
    }) as unknown as DispatchIncoming;

  it('a reopened desk knows whom it asked, what was not sent, and confirms a late acceptance', async () => {
    const file = fileIn();
    const first = rig(file);
    first.desk.open(request('case-1'));
    first.refused.add('hosp-c');
    await first.desk.send('case-1', [
      { hospitalId: 'hosp-a', etaMinutes: 8 },
      { hospitalId: 'hosp-b', etaMinutes: 10 },
      { hospitalId: 'hosp-c', etaMinutes: 12 },
    ]);
    const [a, b, c] = first.desk.get('case-1')?.targets ?? [];
    if (a === undefined || b === undefined || c === undefined) throw new Error('targets missing');
    await first.desk.receive(answer(b.inquiryId, 'hosp-b', 'decline'));
    const before = first.desk.get('case-1');
    first.store.close();

    // The process dies; the next one opens the same file a minute later.
    const second = rig(file, new ManualClock(T0 + 60_000));
    expect(second.loaded.unreadable).toBe(0);
    expect(second.desk.get('case-1')).toEqual(before);
    expect(second.desk.notSent(c.inquiryId)).toBe(true);
    expect(second.desk.notSent(a.inquiryId)).toBe(false);
    await second.desk.receive(answer(a.inquiryId, 'hosp-a', 'accept'));
    expect(second.desk.get('case-1')).toMatchObject({ outcome: 'accepted', winner: 'hosp-a' });
    // The winner is confirmed, the one still asked withdrawn (the declined one has nothing to end).
    expect(second.published.map((p) => `${p.kind} ${p.topic.includes('hosp-a') ? 'a' : 'c'}`)).toEqual([
      'confirmation a',
      'withdrawal c',
    ]);
    second.store.close();
    const third = rig(file, new ManualClock(T0 + 120_000));
    expect(third.desk.get('case-1')).toMatchObject({ outcome: 'accepted', winner: 'hosp-a' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('a deadline that passed while the process was down is applied at once after the restart', async () => {
    const file = fileIn();
    const first = rig(file);
    first.desk.open(request('case-2'));
    await first.desk.send('case-2', [{ hospitalId: 'hosp-a', etaMinutes: 8 }]);
    first.store.close();
    // Past the 3-minute answer deadline (the policy's default).
    const later = rig(file, new ManualClock(T0 + 4 * 60_000));
    expect(later.desk.get('case-2')?.targets[0]?.phase).toBe('pending');
    await later.fireDue();
    expect(later.desk.get('case-2')?.targets[0]?.phase).toBe('timedOut');
  });

  it('keeps the incident beside the state, within its bounds (count and a day unchanged)', () => {
    const file = fileIn();
    const first = rig(file);
    const incident = { location: { lat: 35.69, lon: 139.7 }, category: 'stroke', acuity: 'serious' } as const;
    for (const n of [1, 2, 3]) {
      first.desk.open(request(`case-${n}`));
      expect(first.store.saveIncident(`case-${n}`, incident, 'dispatcher-1', T0, caseRetention(T0)).ok).toBe(
        true,
      );
    }
    expect(first.store.saveIncident('case-4', incident, 'dispatcher-1', T0, { keep: 2, before: 0 }).ok).toBe(
      true,
    );
    first.store.close();
    const second = rig(file);
    expect(second.loaded.cases.map((c) => c.caseId)).toEqual(['case-3', 'case-4']);
    expect(second.loaded.cases[0]).toMatchObject({
      incident,
      openedBy: 'dispatcher-1',
      state: { request: request('case-3') },
    });
    second.store.close();
    const dayLater = rig(file, new ManualClock(T0 + 24 * HOUR + 1));
    expect(dayLater.loaded.cases).toEqual([]);
  });

  it('leaves out a row that does not read back, logs only how many, and goes on', async () => {
    const file = fileIn();
    const first = rig(file);
    for (const n of [1, 2, 3]) first.desk.open(request(`case-${n}`));
    first.store.close();
    const db = new Database(file);
    db.prepare('UPDATE cases SET state = \'{"request": {"caseId"\' WHERE case_id = \'case-1\'').run();
    db.prepare("UPDATE cases SET case_id = 'case-9' WHERE case_id = 'case-2'").run();
    db.prepare("UPDATE cases SET not_sent = '[1]' WHERE case_id = 'case-3'").run();
    db.close();
    const next = rig(file);
    expect(next.loaded).toEqual({ cases: [], unreadable: 3 });
    expect(next.desk.cases()).toEqual([]);
    next.desk.open(request('case-4'));
    await next.desk.send('case-4', [{ hospitalId: 'hosp-a', etaMinutes: 8 }]);
    expect(next.published).toHaveLength(1);
  });

  it('a store that cannot write keeps the desk working from memory and says so with the code only', async () => {
    const first = rig(fileIn());
    first.store.close();
    first.desk.open(request('case-1'));
    await first.desk.send('case-1', [{ hospitalId: 'hosp-a', etaMinutes: 8 }]);
    expect(first.published).toHaveLength(1);
    const failures = first.lines.filter((l) => l.includes('dispatch case not stored'));
    expect(failures.length).toBeGreaterThan(0);
    for (const line of failures) expect(JSON.parse(line)).toMatchObject({ code: 'storage-failed' });
    for (const line of first.lines) expect(line).not.toMatch(/stroke|75-89|female|case-1/);
  });

  it("commits an answer's envelope id with its step: after a restart a copy changes nothing and the winner is confirmed again", async () => {
    const file = fileIn();
    const first = rig(file);
    first.desk.open(request('case-5'));
    await first.desk.send('case-5', [
      { hospitalId: 'hosp-a', etaMinutes: 8 },
      { hospitalId: 'hosp-b', etaMinutes: 9 },
    ]);
    const [a] = first.desk.get('case-5')?.targets ?? [];
    if (a === undefined) throw new Error('targets missing');
    expect(first.store.answered('m-accept')).toEqual(ok(undefined));
    await first.desk.receive(answer(a.inquiryId, 'hosp-a', 'accept', 'm-accept'));
    expect(first.store.answered('m-accept')).toEqual(ok({ caseId: 'case-5', inquiryId: a.inquiryId }));
    const accepted = first.desk.get('case-5');
    first.store.close();

    // The PUBACK was lost with the process: the broker delivers the answer again, the codec refuses it
    // as a replay (its id is stored), and the desk only repeats the confirmation.
    const second = rig(file, new ManualClock(T0 + 60_000));
    const events: string[] = [];
    second.desk.on('events', (_id, list) => events.push(...list.map((e) => e.type)));
    expect(second.desk.redelivered('m-accept')).toBe(true);
    await second.desk.settled();
    expect(second.published.map((p) => p.kind)).toEqual(['confirmation']);
    expect(second.desk.get('case-5')).toEqual(accepted);
    expect(events).toEqual([]);
    expect(second.desk.redelivered('m-never-seen')).toBe(false);
  });

  it('applies an answer once when a copy is opened before the first one was committed', async () => {
    const r = rig(fileIn());
    r.desk.open(request('case-6'));
    await r.desk.send('case-6', [
      { hospitalId: 'hosp-a', etaMinutes: 8 },
      { hospitalId: 'hosp-b', etaMinutes: 9 },
    ]);
    const [, b] = r.desk.get('case-6')?.targets ?? [];
    if (b === undefined) throw new Error('targets missing');
    const events: string[] = [];
    r.desk.on('events', (_id, list) => events.push(...list.map((e) => e.type)));
    const copy = answer(b.inquiryId, 'hosp-b', 'decline', 'm-decline');
    await Promise.all([r.desk.receive(copy), r.desk.receive(copy)]);
    expect(events).toEqual(['declined']);
    expect(r.desk.get('case-6')?.targets[1]?.phase).toBe('declined');
  });

  it("keeps an answer's id past its case, for as long as an envelope can be accepted, then forgets it", async () => {
    const file = fileIn();
    const first = rig(file);
    first.desk.open(request('case-7'));
    await first.desk.send('case-7', [{ hospitalId: 'hosp-a', etaMinutes: 8 }]);
    const [a] = first.desk.get('case-7')?.targets ?? [];
    if (a === undefined) throw new Error('targets missing');
    await first.desk.receive(answer(a.inquiryId, 'hosp-a', 'decline', 'm-old'));
    first.store.close();
    const dayLater = rig(file, new ManualClock(T0 + 24 * HOUR + 1));
    expect(dayLater.loaded.cases).toEqual([]);
    expect(dayLater.store.answered('m-old')).toEqual(ok({ caseId: 'case-7', inquiryId: a.inquiryId }));
    dayLater.store.close();
    const past = rig(file, new ManualClock(T0 + 24 * HOUR + 3 * 60_000));
    expect(past.store.answered('m-old')).toEqual(ok(undefined));
  });

  it('keeps the unit assigned to a case, and a file from before units were kept gains the column', () => {
    const file = fileIn();
    // cases.sqlite as dispatch wrote it before this version: no unit_id column, no answers table.
    const old = new Database(file);
    old.exec(`CREATE TABLE cases (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL UNIQUE, state TEXT,
      not_sent TEXT NOT NULL DEFAULT '[]', incident TEXT, opened_by TEXT, updated_at INTEGER NOT NULL
    ) STRICT;`);
    const incident = { location: { lat: 35.69, lon: 139.7 }, category: 'stroke', acuity: 'serious' };
    old
      .prepare('INSERT INTO cases (case_id, incident, opened_by, updated_at) VALUES (?, ?, ?, ?)')
      .run('case-8', JSON.stringify(incident), 'dispatcher-1', T0);
    old.close();
    const first = rig(file);
    expect(first.loaded.cases).toEqual([
      { caseId: 'case-8', notSent: [], incident, openedBy: 'dispatcher-1' },
    ]);
    expect(first.store.saveUnit('case-8', 'amb-1', T0, caseRetention(T0)).ok).toBe(true);
    first.store.close();
    const second = rig(file);
    expect(second.loaded.cases).toEqual([
      { caseId: 'case-8', notSent: [], incident, openedBy: 'dispatcher-1', unitId: 'amb-1' },
    ]);
  });

  it('fills in the inquiry milestones a kill -9 kept from the timeline (a second file), once', async () => {
    const file = fileIn();
    const first = rig(file);
    first.desk.open(request('case-9'));
    await first.desk.send('case-9', [
      { hospitalId: 'hosp-a', etaMinutes: 8 },
      { hospitalId: 'hosp-b', etaMinutes: 9 },
    ]);
    const [a] = first.desk.get('case-9')?.targets ?? [];
    if (a === undefined) throw new Error('targets missing');
    await first.desk.receive(answer(a.inquiryId, 'hosp-a', 'accept'));
    first.store.close();
    // The case was committed; the process died before its milestones reached the timeline.
    const timeline = unwrap(TimelineStore.open(join(file, '..', 'timeline.sqlite')));
    const restart = (): void => {
      const next = rig(file);
      void new DispatchCases({
        region: { id: 'test', hospitals: [] },
        board: {},
        desk: next.desk,
        timeline,
        policy: {},
        clock: next.clock,
        logger: createLogger({ level: 'error', sink: () => undefined }),
        store: next.store,
        restored: next.loaded.cases,
      } as unknown as ConstructorParameters<typeof DispatchCases>[0]);
      next.store.close();
    };
    restart();
    restart();
    expect(
      unwrap(timeline.ofCase('case-9')).map((e) => `${e.kind} ${e.hospitalId ?? ''} ${e.at - T0}`),
    ).toEqual(['inquirySent hosp-a 0', 'inquirySent hosp-b 0', 'accepted hosp-a 0']);
    timeline.close();
  });
});
