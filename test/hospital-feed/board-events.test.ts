import { describe, expect, it } from 'vitest';
import {
  applyIncoming,
  boardEvent,
  senderRefusal,
  type BoardChange,
} from '../../src/hospital-feed/inbox-state.js';
import { sampleReport } from '../support/feed/sample.js';

const body = { ...sampleReport(1, 0), reportId: 'report-0001' };
const unitId = body.crew.unitId;
const report = { kind: 'report', body } as const;
const cancel = { kind: 'cancel', body: { reportId: body.reportId, reason: 'diversion' } } as const;

describe('who may put a patient on the board', () => {
  it('an ambulance, for itself only', () => {
    expect(senderRefusal({ from: unitId, fromRole: 'ambulance' }, report)).toBeUndefined();
    expect(senderRefusal({ from: 'amb-other', fromRole: 'ambulance' }, report)).toBe('wrong-unit');
    expect(
      senderRefusal({ from: unitId, fromRole: 'ambulance' }, { ...report, kind: 'update' }),
    ).toBeUndefined();
  });

  it("never a hospital's, dispatch's or the records service's key, even naming the unit", () => {
    for (const fromRole of ['hospital', 'dispatch', 'records'] as const) {
      expect(senderRefusal({ from: unitId, fromRole }, report)).toBe('wrong-role');
      expect(senderRefusal({ from: unitId, fromRole }, cancel)).toBe('wrong-role');
    }
  });

  it('a cancel names no crew: its signer is the unit whose report it ends', () => {
    expect(senderRefusal({ from: 'amb-other', fromRole: 'ambulance' }, cancel)).toBeUndefined();
  });
});

describe('what the board is told', () => {
  const shown = applyIncoming(undefined, unitId, 1, report, 1_000).next;

  it('one event per change that shows', () => {
    const cases: [BoardChange, string | undefined][] = [
      ['new', 'report-new'],
      ['updated', 'report-updated'],
      ['cancelled', 'report-cancelled'],
      ['none', undefined],
    ];
    for (const [change, type] of cases)
      expect(boardEvent({ change, report: shown })).toEqual(
        type === undefined ? undefined : { type, report: shown },
      );
  });

  it('nothing for a message that left no report to show (a cancel before its report)', () => {
    expect(boardEvent({ change: 'cancelled', report: undefined })).toBeUndefined();
    const tombstone = applyIncoming(undefined, unitId, 1, cancel, 1_000);
    expect(tombstone.change).toBe('none');
    expect(boardEvent({ change: tombstone.change, report: tombstone.next })).toBeUndefined();
  });
});
