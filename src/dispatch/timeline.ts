import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import type { InquiryEvent } from './inquiry.js';
import { CaseId } from './inquiry-messages.js';
import { fieldProblems, type FieldProblem } from './problems.js';
import type { UnitMilestone } from './unit-messages.js';
import { OpaqueId } from './vocabulary.js';

/** The milestones of one case, in the order they normally happen (ties on `at` sort this way). */
export const TIMELINE_KINDS = [
  'call',
  'cardRead',
  'summaryViewed',
  'inquirySent',
  'escalated',
  'accepted',
  'departure',
  'arrival',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One recorded milestone: ids and times only, so the table can be kept longer than patient data. */
export const TimelineEvent = v.object({
  caseId: CaseId,
  kind: v.picklist(TIMELINE_KINDS),
  at: v.pipe(v.number(), v.integer(), v.minValue(0)),
  hospitalId: v.optional(OpaqueId),
});
export type TimelineEvent = v.InferOutput<typeof TimelineEvent>;

export const TIMELINE_ERROR = { invalidEvent: 'invalidEvent' } as const;
export interface TimelineError {
  readonly code: typeof TIMELINE_ERROR.invalidEvent;
  readonly problems: readonly FieldProblem[];
}

export const parseTimelineEvent = (input: unknown): Result<TimelineEvent, TimelineError> => {
  const parsed = v.safeParse(TimelineEvent, input);
  return parsed.success
    ? ok(parsed.output)
    : err({ code: TIMELINE_ERROR.invalidEvent, problems: fieldProblems(parsed.issues) });
};

/** The milestones the inquiry reducer records by itself: nobody has to type them in. */
export const timelineEventsFromInquiry = (caseId: string, events: readonly InquiryEvent[]): TimelineEvent[] =>
  events.flatMap((e): TimelineEvent[] => {
    switch (e.type) {
      case 'inquirySent':
        return [{ caseId, kind: 'inquirySent', at: e.at, hospitalId: e.hospitalId }];
      case 'accepted':
        return [{ caseId, kind: 'accepted', at: e.at, hospitalId: e.hospitalId }];
      case 'escalated':
        return [{ caseId, kind: 'escalated', at: e.at }];
      case 'declined':
      case 'timedOut':
      case 'withdrawn':
      case 'exhausted':
      case 'cancelled':
      case 'ignored':
        return [];
      default:
        return e satisfies never;
    }
  });

export interface CaseTimeline {
  readonly caseId: string;
  /** Sorted by time, then by milestone order, then hospital id. */
  readonly events: readonly TimelineEvent[];
  readonly callAt?: number;
  readonly cardReadAt?: number;
  readonly summaryViewedAt?: number;
  readonly firstInquiryAt?: number;
  /** Inquiries sent (照会回数), the measure of a hard-to-place case. */
  readonly inquiries: number;
  readonly escalatedAt?: number;
  readonly acceptedAt?: number;
  readonly acceptedBy?: string;
  readonly departureAt?: number;
  readonly arrivalAt?: number;
}

const KIND_ORDER = new Map<TimelineKind, number>(TIMELINE_KINDS.map((k, i) => [k, i]));
const byTime = (a: TimelineEvent, b: TimelineEvent): number =>
  a.at - b.at ||
  (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) ||
  ((a.hospitalId ?? '') < (b.hospitalId ?? '') ? -1 : (a.hospitalId ?? '') > (b.hospitalId ?? '') ? 1 : 0);

const FIRST_FIELD = {
  call: 'callAt',
  cardRead: 'cardReadAt',
  summaryViewed: 'summaryViewedAt',
  inquirySent: 'firstInquiryAt',
  escalated: 'escalatedAt',
  accepted: 'acceptedAt',
  departure: 'departureAt',
  arrival: 'arrivalAt',
} as const satisfies Record<TimelineKind, keyof CaseTimeline>;

const timelineOf = (caseId: string, events: TimelineEvent[]): CaseTimeline => {
  events.sort(byTime);
  const firsts: Partial<Record<(typeof FIRST_FIELD)[TimelineKind], number>> = {};
  let acceptedBy: string | undefined;
  for (const e of events) {
    const field = FIRST_FIELD[e.kind];
    if (firsts[field] !== undefined) continue;
    firsts[field] = e.at;
    if (e.kind === 'accepted') acceptedBy = e.hospitalId;
  }
  const inquiries = events.filter((e) => e.kind === 'inquirySent').length;
  return { caseId, events, ...firsts, inquiries, ...(acceptedBy === undefined ? {} : { acceptedBy }) };
};

/** Groups events by case, in case-id order; the input order does not matter. */
export const buildTimelines = (events: readonly TimelineEvent[]): readonly CaseTimeline[] => {
  const byCase = new Map<string, TimelineEvent[]>();
  for (const e of events) {
    const list = byCase.get(e.caseId);
    if (list === undefined) byCase.set(e.caseId, [e]);
    else list.push(e);
  }
  return [...byCase.keys()].sort().map((caseId) => timelineOf(caseId, byCase.get(caseId) ?? []));
};

export interface DurationStats {
  readonly count: number;
  readonly meanMinutes: number;
  readonly medianMinutes: number;
  readonly p90Minutes: number;
  readonly maxMinutes: number;
}

export interface DispatchKpis {
  readonly cases: number;
  /** Cases with at least one inquiry: the denominator of the shares below. */
  readonly casesWithInquiries: number;
  readonly inquiriesPerCase: { readonly mean: number; readonly median: number; readonly max: number } | null;
  /** `inquiries` → number of cases, for the report's histogram. */
  readonly inquiryHistogram: ReadonlyMap<number, number>;
  /** From the first inquiry to the acceptance: the time spent looking for a bed. */
  readonly timeToAcceptance: DurationStats | null;
  /** From the emergency call to the acceptance. */
  readonly callToAcceptance: DurationStats | null;
  /** From the emergency call to arrival at hospital (the FDMA's 病院収容所要時間). */
  readonly callToArrival: DurationStats | null;
  /** Cases in which each milestone reported by the ambulance was recorded. */
  readonly unitMilestones: Readonly<Record<UnitMilestone, number>>;
  /** Cases with at least `threshold` inquiries (救急搬送困難事案: 照会回数 4 回以上). */
  readonly hardToPlace: { readonly threshold: number; readonly count: number; readonly share: number | null };
  readonly escalated: number;
  /** Asked at least once, never accepted. */
  readonly unplaced: number;
}

/** Nearest-rank percentile of sorted values. */
const nearestRank = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

const durationStats = (minutes: number[]): DurationStats | null => {
  if (minutes.length === 0) return null;
  minutes.sort((a, b) => a - b);
  return {
    count: minutes.length,
    meanMinutes: minutes.reduce((s, m) => s + m, 0) / minutes.length,
    medianMinutes: nearestRank(minutes, 50),
    p90Minutes: nearestRank(minutes, 90),
    maxMinutes: minutes[minutes.length - 1] ?? Number.NaN,
  };
};

const between = (from: number | undefined, to: number | undefined): number[] =>
  from === undefined || to === undefined || to < from ? [] : [(to - from) / 60_000];

/** The report page's figures. Pure: the same timelines give the same KPIs. */
export const computeKpis = (timelines: readonly CaseTimeline[], hardToPlaceThreshold = 4): DispatchKpis => {
  const asked = timelines.filter((t) => t.inquiries > 0);
  const counts = asked.map((t) => t.inquiries).sort((a, b) => a - b);
  const histogram = new Map<number, number>();
  for (const n of counts) histogram.set(n, (histogram.get(n) ?? 0) + 1);
  const hard = asked.filter((t) => t.inquiries >= hardToPlaceThreshold).length;
  return {
    cases: timelines.length,
    casesWithInquiries: asked.length,
    inquiriesPerCase:
      counts.length === 0
        ? null
        : {
            mean: counts.reduce((s, n) => s + n, 0) / counts.length,
            median: nearestRank(counts, 50),
            max: counts[counts.length - 1] ?? 0,
          },
    inquiryHistogram: histogram,
    timeToAcceptance: durationStats(asked.flatMap((t) => between(t.firstInquiryAt, t.acceptedAt))),
    callToAcceptance: durationStats(timelines.flatMap((t) => between(t.callAt, t.acceptedAt))),
    callToArrival: durationStats(timelines.flatMap((t) => between(t.callAt, t.arrivalAt))),
    unitMilestones: {
      cardRead: timelines.filter((t) => t.cardReadAt !== undefined).length,
      summaryViewed: timelines.filter((t) => t.summaryViewedAt !== undefined).length,
      departure: timelines.filter((t) => t.departureAt !== undefined).length,
      arrival: timelines.filter((t) => t.arrivalAt !== undefined).length,
    },
    hardToPlace: {
      threshold: hardToPlaceThreshold,
      count: hard,
      share: asked.length === 0 ? null : hard / asked.length,
    },
    escalated: timelines.filter((t) => t.escalatedAt !== undefined).length,
    unplaced: asked.filter((t) => t.acceptedAt === undefined).length,
  };
};
