import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  buildTimelines,
  computeKpis,
  InquiryPolicy,
  openInquiry,
  parseTimelineEvent,
  stepInquiryAll,
  TIMELINE_ERROR,
  timelineEventsFromInquiry,
  type TimelineEvent,
  type TimelineKind,
} from '../../src/dispatch/index.js';
import { NOW } from './arbitraries.js';

const MIN = 60_000;
const ev = (caseId: string, kind: TimelineKind, minute: number, hospitalId?: string): TimelineEvent => ({
  caseId,
  kind,
  at: NOW + minute * MIN,
  ...(hospitalId === undefined ? {} : { hospitalId }),
});

/** A case asked `n` hospitals, one a minute from minute 10, and the last accepted (unless `placed` is false). */
const caseWith = (caseId: string, n: number, placed = true): TimelineEvent[] => [
  ev(caseId, 'call', 0),
  ev(caseId, 'cardRead', 6),
  ev(caseId, 'summaryViewed', 7),
  ...Array.from({ length: n }, (_, i) => ev(caseId, 'inquirySent', 10 + i, `h-${i + 1}`)),
  ...(placed ? [ev(caseId, 'accepted', 10 + n, `h-${n}`), ev(caseId, 'departure', 12 + n)] : []),
];

describe('case timeline', () => {
  it('records each milestone once and counts inquiries, whatever the input order', () => {
    const events = caseWith('c-1', 3).reverse();
    const [t] = buildTimelines([...events, ev('c-1', 'accepted', 20, 'h-9')]);
    expect(t).toMatchObject({
      caseId: 'c-1',
      callAt: NOW,
      cardReadAt: NOW + 6 * MIN,
      summaryViewedAt: NOW + 7 * MIN,
      firstInquiryAt: NOW + 10 * MIN,
      inquiries: 3,
      acceptedAt: NOW + 13 * MIN,
      acceptedBy: 'h-3',
      departureAt: NOW + 15 * MIN,
    });
    expect(t?.arrivalAt).toBeUndefined();
    expect(t?.events.map((e) => e.at)).toEqual([...(t?.events.map((e) => e.at) ?? [])].sort((a, b) => a - b));
  });

  it('is fed by the inquiry reducer: sends, escalation and the acceptance', () => {
    const policy = v.parse(InquiryPolicy, { regionalCentreId: 'centre-a', escalateAfterRefusals: 1 });
    const request = {
      caseId: 'c-2',
      ageBand: '40-64',
      sex: 'male',
      category: 'trauma',
      acuity: 'critical',
    } as const;
    const sent = stepInquiryAll(
      openInquiry(request, policy),
      [
        {
          type: 'send',
          targets: [
            { hospitalId: 'h-a', etaMinutes: 9 },
            { hospitalId: 'h-b', etaMinutes: 12 },
          ],
        },
      ],
      NOW,
    );
    const answered = stepInquiryAll(
      sent.state,
      [
        {
          type: 'answer',
          answer: { inquiryId: 'c-2-q1', hospitalId: 'h-a', answer: { kind: 'decline', reason: 'bedsFull' } },
        },
        { type: 'answer', answer: { inquiryId: 'c-2-q2', hospitalId: 'h-b', answer: { kind: 'accept' } } },
      ],
      NOW + 2 * MIN,
    );
    const recorded = timelineEventsFromInquiry('c-2', [...sent.events, ...answered.events]);
    expect(recorded).toEqual([
      ev('c-2', 'inquirySent', 0, 'h-a'),
      ev('c-2', 'inquirySent', 0, 'h-b'),
      ev('c-2', 'escalated', 2),
      ev('c-2', 'accepted', 2, 'h-b'),
    ]);
    expect(buildTimelines(recorded)[0]).toMatchObject({ inquiries: 2, acceptedBy: 'h-b' });
  });

  it('validates stored events with typed errors', () => {
    expect(parseTimelineEvent(ev('c-3', 'arrival', 30)).ok).toBe(true);
    expect(parseTimelineEvent({ caseId: 'c-3', kind: 'lunch', at: -1 })).toEqual({
      ok: false,
      error: {
        code: TIMELINE_ERROR.invalidEvent,
        problems: [
          { path: 'at', code: 'outOfRange' },
          { path: 'kind', code: 'invalidValue' },
        ],
      },
    });
  });
});

describe('KPIs', () => {
  it('computes inquiries per case, time to acceptance and the hard-to-place share', () => {
    const events = [
      ...caseWith('c-1', 1),
      ...caseWith('c-2', 2),
      ...caseWith('c-3', 4),
      ...caseWith('c-4', 6),
      ...caseWith('c-5', 5, false),
      ev('c-6', 'call', 0), // handled without transport: no inquiry
    ];
    const k = computeKpis(buildTimelines(events));
    expect(k.cases).toBe(6);
    expect(k.casesWithInquiries).toBe(5);
    expect(k.inquiriesPerCase).toEqual({ mean: 18 / 5, median: 4, max: 6 });
    expect([...k.inquiryHistogram]).toEqual([
      [1, 1],
      [2, 1],
      [4, 1],
      [5, 1],
      [6, 1],
    ]);
    // Placed cases took n minutes from the first inquiry (n = 1, 2, 4, 6), n + 10 from the call.
    expect(k.timeToAcceptance).toEqual({
      count: 4,
      meanMinutes: 13 / 4,
      medianMinutes: 2,
      p90Minutes: 6,
      maxMinutes: 6,
    });
    expect(k.callToAcceptance).toMatchObject({ count: 4, medianMinutes: 12, maxMinutes: 16 });
    expect(k.hardToPlace).toEqual({ threshold: 4, count: 3, share: 3 / 5 });
    expect(k.unplaced).toBe(1);
    expect(k.escalated).toBe(0);
  });

  it('takes another threshold and reports empty figures as null, not zero', () => {
    expect(computeKpis(buildTimelines(caseWith('c-1', 3)), 3).hardToPlace).toEqual({
      threshold: 3,
      count: 1,
      share: 1,
    });
    const empty = computeKpis([]);
    expect(empty).toMatchObject({ cases: 0, inquiriesPerCase: null, timeToAcceptance: null });
    expect(empty.hardToPlace.share).toBeNull();
  });
});
