import { describe, expect, it } from 'vitest';
import { FEED_ERRORS, type ReportView } from '../../src/hospital-feed/index.js';
import { queuedEntry } from '../../src/hospital-feed/outbox-state.js';
import {
  answerEvent,
  crewState,
  isShownChange,
  onHospital,
  queuedVersion,
  toView,
} from '../../src/hospital-feed/report-state.js';
import { UnitReports } from '../../src/hospital-feed/unit-reports.js';
import { entry, report } from './outbox-store.contract.js';

const version = {
  kind: 'update',
  reportId: 'report-1',
  hospitalId: 'hosp-demo-a',
  messageId: 'message-9',
  sequence: 3,
  expiresAt: 50_000,
} as const;

describe('a new version of a report, queued', () => {
  it('starts its transport again and keeps what the hospital said of the report so far', () => {
    const declined = onHospital(
      report(1, { sequence: 2, latest: 'acknowledged' }),
      answerEvent({ reportId: 'report-1', decision: 'decline', reason: 'no-bed', note: 'CT down' }, 2),
      2_000,
    );
    expect(queuedVersion(declined, version, 3_000)).toEqual({
      ...declined,
      sequence: 3,
      latest: 'queued',
      latestMessageId: 'message-9',
      expiresAt: 50_000,
      updatedAt: 3_000,
    });
  });

  it('a first report has nothing from the hospital yet', () => {
    const first = queuedVersion(undefined, { ...version, kind: 'report', sequence: 1 }, 3_000);
    expect(first).toEqual(report(1, { latestMessageId: 'message-9', expiresAt: 50_000, updatedAt: 3_000 }));
    expect(crewState(first)).toBe('queued');
  });

  it('a cancel ends the report: the crew sees it cancelled, whatever the hospital said', () => {
    const accepted = onHospital(
      report(1),
      answerEvent({ reportId: 'report-1', decision: 'accept' }, 2),
      2_000,
    );
    const cancelled = queuedVersion(accepted, { ...version, kind: 'cancel' }, 3_000);
    expect(cancelled.lifecycle).toBe('cancelled');
    expect(cancelled.hospital).toBe('accepted');
    expect(crewState(cancelled)).toBe('cancelled');
  });
});

describe("the hospital's answer as an event", () => {
  it('an acceptance carries its stream sequence only', () => {
    expect(answerEvent({ reportId: 'r', decision: 'accept' }, 7)).toEqual({
      type: 'answer',
      sequence: 7,
      decision: 'accept',
    });
  });

  it('a decline carries its reason, and its note only when one was written', () => {
    expect(answerEvent({ reportId: 'r', decision: 'decline', reason: 'no-specialist' }, 4)).toEqual({
      type: 'answer',
      sequence: 4,
      decision: 'decline',
      reason: 'no-specialist',
    });
    expect(
      answerEvent({ reportId: 'r', decision: 'decline', reason: 'other', note: 'call us' }, 5),
    ).toMatchObject({ reason: 'other', note: 'call us' });
  });
});

describe('what the crew is shown', () => {
  it('a view names the state, the decline and its note, never the transport internals', () => {
    const declined = onHospital(
      report(1),
      answerEvent({ reportId: 'report-1', decision: 'decline', reason: 'no-bed', note: 'full' }, 2),
      2_000,
    );
    expect(toView(declined)).toEqual({
      reportId: 'report-1',
      hospitalId: 'hosp-demo-a',
      state: 'declined',
      declineReason: 'no-bed',
      declineNote: 'full',
      expiresAt: 100_000,
      updatedAt: 2_000,
    });
  });

  it('a change is shown when the report is new, its state moves or its decline changes; a sequence alone is not', () => {
    const r = report(1);
    expect(isShownChange(undefined, r)).toBe(true);
    expect(isShownChange(r, { ...r, sequence: 5, updatedAt: 9_000 })).toBe(false);
    expect(isShownChange(r, { ...r, latest: 'at-broker' })).toBe(true);
    const declined = { ...r, hospital: 'declined', declineReason: 'no-bed' } as const;
    expect(isShownChange(r, declined)).toBe(true);
    expect(isShownChange(declined, { ...declined, declineNote: 'CT down' })).toBe(true);
    expect(isShownChange(declined, { ...declined, declineReason: 'other' })).toBe(true);
  });
});

describe("the unit's reports", () => {
  const ledger = (...stored: Parameters<typeof report>[]) => {
    const shown: ReportView[] = [];
    const reports = new UnitReports(
      stored.map((args) => report(...args)),
      (view) => shown.push(view),
    );
    return { reports, shown };
  };

  it('tells the crew once per change they can see', () => {
    const { reports, shown } = ledger();
    reports.record(report(1));
    reports.record(report(1, { sequence: 2 }));
    reports.record(report(1, { sequence: 2, latest: 'sent' }));
    reports.record(undefined);
    expect(shown.map((v) => v.state)).toEqual(['queued', 'sent']);
    expect(reports.get('report-1')?.sequence).toBe(2);
  });

  it('only an open report takes more: unknown and closed reports are refused by code', () => {
    const { reports } = ledger([1], [2, { lifecycle: 'handed-over' }]);
    expect(reports.open('report-1')).toMatchObject({ ok: true, value: { reportId: 'report-1' } });
    expect(reports.open('report-2')).toMatchObject({
      ok: false,
      error: { code: FEED_ERRORS.permanent.reportClosed },
    });
    expect(reports.open('report-3')).toMatchObject({
      ok: false,
      error: { code: FEED_ERRORS.permanent.unknownReport },
    });
  });

  it("finds a report by its latest envelope, and follows that envelope's transport only", () => {
    const { reports, shown } = ledger([1], [2, { latestMessageId: 'message-7' }]);
    expect(reports.withLatest('message-7')?.reportId).toBe('report-2');
    expect(reports.withLatest('message-2')).toBeUndefined();
    const followed = reports.followTransport(entry(1, { transport: 'at-broker' }), 4_000);
    expect(followed).toMatchObject({ latest: 'at-broker', updatedAt: 4_000 });
    expect(reports.followTransport(entry(9), 4_000)).toBeUndefined();
    // Following is a calculation: nothing is kept or shown until it is recorded.
    expect(reports.get('report-1')?.latest).toBe('queued');
    expect(shown).toEqual([]);
    expect(reports.views().map((v) => v.reportId)).toEqual(['report-1', 'report-2']);
  });
});

describe('a new outbox entry', () => {
  it('is queued, never tried, due now, with the bytes and id it was sealed with', () => {
    const sealed = { messageId: 'message-3', bytes: new Uint8Array([3, 1, 2, 3]) };
    const about = {
      reportId: 'report-3',
      kind: 'report',
      to: 'hosp-demo-a',
      topic: 'ems/v1/hospital/hosp-demo-a/in',
      sequence: 1,
      expiresAt: 100_000,
    } as const;
    expect(queuedEntry(sealed, about, 1_003)).toEqual(entry(3, { nextAttemptAt: 1_003 }));
  });
});
