import type { BoardReport, ReportBody } from '../../hospital-feed/index.js';

/**
 * Which list a report belongs on: the live board (patients still to come or being received) or the
 * "recent" list (finished or long overdue), as a pure function of the report and the time. A board
 * that only ever grows hides the next patient under the last shift's (issue 15, Board).
 */
export interface ListPolicy {
  /** A report whose ETA passed this long ago, without handover, leaves the live board. */
  readonly overdueMs: number;
  /** How long a report stays on the recent list after it got there. */
  readonly recentMs: number;
}

/** Why a report is on the recent list; the board says it in words. */
export const RECENT_REASONS = ['declined', 'cancelled', 'handedOver', 'overdue'] as const;
export type RecentReason = (typeof RECENT_REASONS)[number];

export type Placement =
  | { readonly list: 'live' }
  | { readonly list: 'recent'; readonly reason: RecentReason; readonly since: number }
  | { readonly list: 'none' };

type Shown = BoardReport & { readonly body: ReportBody };

const finished = (r: BoardReport): RecentReason | undefined => {
  if (r.status === 'cancelled') return 'cancelled';
  if (r.handedOver) return 'handedOver';
  if (r.answer?.decision === 'decline') return 'declined';
  return undefined;
};

export const placement = (r: BoardReport, now: number, p: ListPolicy): Placement => {
  if (r.body === undefined) return { list: 'none' };
  const done = finished(r);
  const eta = Date.parse(r.body.eta);
  const place: Placement =
    done !== undefined
      ? { list: 'recent', reason: done, since: r.updatedAt }
      : Number.isFinite(eta) && now - eta >= p.overdueMs
        ? { list: 'recent', reason: 'overdue', since: eta + p.overdueMs }
        : { list: 'live' };
  return place.list === 'recent' && now - place.since >= p.recentMs ? { list: 'none' } : place;
};

const etaOf = (r: Shown): number => Date.parse(r.body.eta) || Number.MAX_SAFE_INTEGER;

/** The live board's order: soonest arrival first; equal ETAs by acuity, then by arrival at the desk. */
export const byEta = (a: Shown, b: Shown): number =>
  etaOf(a) - etaOf(b) || a.body.acuity - b.body.acuity || a.receivedAt - b.receivedAt;

export interface BoardLists {
  readonly live: readonly Shown[];
  readonly recent: readonly { readonly r: Shown; readonly reason: RecentReason; readonly since: number }[];
}

/** Splits the inbox into the live board (by ETA) and the recent list (latest first). */
export const boardLists = (reports: readonly BoardReport[], now: number, p: ListPolicy): BoardLists => {
  const live: Shown[] = [];
  const recent: { r: Shown; reason: RecentReason; since: number }[] = [];
  for (const r of reports) {
    const place = placement(r, now, p);
    if (r.body === undefined) continue;
    const shown = r as Shown;
    switch (place.list) {
      case 'live':
        live.push(shown);
        break;
      case 'recent':
        recent.push({ r: shown, reason: place.reason, since: place.since });
        break;
      case 'none':
        break;
      default:
        place satisfies never;
    }
  }
  return { live: live.sort(byEta), recent: recent.sort((a, b) => b.since - a.since) };
};
