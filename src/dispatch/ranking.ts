import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import type { RankingPolicy } from './ranking-policy.js';
import { haversineKm, LatLon, type HospitalLevel, type HospitalSite } from './sites.js';
import type { HospitalStatus } from './status.js';
import {
  Acuity as AcuitySchema,
  Category as CategorySchema,
  REQUIRED_EQUIPMENT,
  type Category,
  type Equipment,
} from './vocabulary.js';

export const Incident = v.object({ location: LatLon, category: CategorySchema, acuity: AcuitySchema });
export type Incident = v.InferOutput<typeof Incident>;

/** A decline by a hospital, from past inquiries: a hospital that just said no is likely to again. */
export interface Refusal {
  readonly hospitalId: string;
  readonly at: number;
}

export const FRESHNESS = { fresh: 'fresh', stale: 'stale', expired: 'expired' } as const;
export type FreshnessLabel = (typeof FRESHNESS)[keyof typeof FRESHNESS];

export interface Freshness {
  readonly label: FreshnessLabel;
  /** Minutes since the hospital last updated; negative when its clock runs ahead of ours. */
  readonly ageMinutes: number;
  readonly fromFuture: boolean;
}

/** How far a status can be trusted now; the status table colours rows by the label. */
export const freshnessOf = (status: HospitalStatus, now: number, policy: RankingPolicy): Freshness => {
  const ageMinutes = (now - status.updatedAt) / 60_000;
  // A clock far ahead would keep a status "fresh" for ever; distrust it like a stale one.
  if (-ageMinutes > policy.futureToleranceMinutes) return { label: 'stale', ageMinutes, fromFuture: true };
  const label =
    ageMinutes > policy.expiredAfterMinutes
      ? 'expired'
      : ageMinutes > policy.staleAfterMinutes
        ? 'stale'
        : 'fresh';
  return { label, ageMinutes, fromFuture: false };
};

export const RANK_REASON = {
  travel: 'travel',
  load: 'load',
  stale: 'stale',
  expired: 'expired',
  statusFromFuture: 'statusFromFuture',
  recentRefusals: 'recentRefusals',
  missingEquipment: 'missingEquipment',
  noIcuBed: 'noIcuBed',
  noFreeBed: 'noFreeBed',
  notTertiary: 'notTertiary',
} as const;

export const TRAVEL_SOURCE = { matrix: 'matrix', estimate: 'estimate' } as const;
export type TravelSource = (typeof TRAVEL_SOURCE)[keyof typeof TRAVEL_SOURCE];

/** Why a hospital sits where it does: a code, its figures, and the `minutes` it adds to the cost. */
export type RankReason =
  | {
      readonly code: typeof RANK_REASON.travel;
      readonly minutes: number;
      readonly distanceKm: number;
      readonly source: TravelSource;
    }
  | { readonly code: typeof RANK_REASON.load; readonly minutes: number; readonly loadPercent: number }
  | {
      readonly code:
        typeof RANK_REASON.stale | typeof RANK_REASON.expired | typeof RANK_REASON.statusFromFuture;
      readonly minutes: number;
      readonly ageMinutes: number;
    }
  | {
      readonly code: typeof RANK_REASON.recentRefusals;
      readonly minutes: number;
      readonly count: number;
      readonly windowHours: number;
    }
  | {
      readonly code: typeof RANK_REASON.missingEquipment;
      readonly minutes: number;
      readonly equipment: Equipment;
    }
  | {
      readonly code:
        typeof RANK_REASON.noIcuBed | typeof RANK_REASON.noFreeBed | typeof RANK_REASON.notTertiary;
      readonly minutes: number;
    };

export const EXCLUSION = {
  noStatus: 'noStatus',
  erClosed: 'erClosed',
  categoryNotAccepted: 'categoryNotAccepted',
} as const;
export type ExclusionCode = (typeof EXCLUSION)[keyof typeof EXCLUSION];

export interface RankedHospital {
  /** 1 for the best. */
  readonly rank: number;
  readonly hospitalId: string;
  readonly name: string;
  readonly level: HospitalLevel;
  /** Travel minutes plus every penalty: the sort key. */
  readonly costMinutes: number;
  readonly travelMinutes: number;
  readonly freshness: Freshness;
  /** The travel reason first, then every penalty that applied. */
  readonly reasons: readonly RankReason[];
}

/** A hospital left out, shown apart so the dispatcher sees why (and can still phone it). */
export interface ExcludedHospital {
  readonly hospitalId: string;
  readonly name: string;
  readonly travelMinutes: number;
  readonly reasons: readonly ExclusionCode[];
}

export interface Ranking {
  readonly ranked: readonly RankedHospital[];
  /** Ordered by travel time, then id. */
  readonly excluded: readonly ExcludedHospital[];
}

export interface RankInput {
  readonly incident: Incident;
  readonly hospitals: readonly HospitalSite[];
  /** Latest status per hospital id (the retained message of each hospital). */
  readonly statuses: ReadonlyMap<string, HospitalStatus>;
  readonly refusals: readonly Refusal[];
  readonly now: number;
  readonly policy: RankingPolicy;
  /** Minutes from the incident to hospitals, from a configured matrix; estimates fill the gaps. */
  readonly travelMinutes?: ReadonlyMap<string, number>;
}

export const RANKING_ERROR = { duplicateHospital: 'duplicateHospital' } as const;
export interface RankingError {
  readonly code: typeof RANKING_ERROR.duplicateHospital;
  readonly hospitalId: string;
}

/** Code-unit order, not locale order: the same on every machine. */
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const recentRefusalCounts = (input: RankInput): Map<string, number> => {
  const since = input.now - input.policy.refusalWindowHours * 3_600_000;
  const counts = new Map<string, number>();
  for (const r of input.refusals) {
    if (r.at >= since && r.at <= input.now) counts.set(r.hospitalId, (counts.get(r.hospitalId) ?? 0) + 1);
  }
  return counts;
};

const freshnessReason = (f: Freshness, p: RankingPolicy): RankReason | undefined => {
  if (f.fromFuture)
    return { code: 'statusFromFuture', minutes: p.stalePenaltyMinutes, ageMinutes: f.ageMinutes };
  switch (f.label) {
    case 'fresh':
      return undefined;
    case 'stale':
      return { code: 'stale', minutes: p.stalePenaltyMinutes, ageMinutes: f.ageMinutes };
    case 'expired':
      return { code: 'expired', minutes: p.expiredPenaltyMinutes, ageMinutes: f.ageMinutes };
    default:
      return f.label satisfies never;
  }
};

const penalties = (
  site: HospitalSite,
  status: HospitalStatus,
  freshness: Freshness,
  refusals: number,
  input: RankInput,
): RankReason[] => {
  const p = input.policy;
  const { category, acuity } = input.incident;
  const out: RankReason[] = [
    {
      code: 'load',
      minutes: (status.loadPercent / 100) * p.loadPenaltyMinutes,
      loadPercent: status.loadPercent,
    },
  ];
  const stale = freshnessReason(freshness, p);
  if (stale !== undefined) out.push(stale);
  if (refusals > 0) {
    out.push({
      code: 'recentRefusals',
      minutes: refusals * p.refusalPenaltyMinutes,
      count: refusals,
      windowHours: p.refusalWindowHours,
    });
  }
  for (const equipment of REQUIRED_EQUIPMENT[category]) {
    if (!status.equipment[equipment]) {
      out.push({ code: 'missingEquipment', minutes: p.missingEquipmentPenaltyMinutes, equipment });
    }
  }
  if (status.beds.free === 0) out.push({ code: 'noFreeBed', minutes: p.noFreeBedPenaltyMinutes });
  if (acuity === 'critical' && status.beds.icuFree === 0) {
    out.push({ code: 'noIcuBed', minutes: p.noIcuBedPenaltyMinutes });
  }
  if (acuity === 'critical' && site.level !== 'tertiary') {
    out.push({ code: 'notTertiary', minutes: p.notTertiaryPenaltyMinutes });
  }
  return out;
};

const exclusions = (status: HospitalStatus | undefined, category: Category): ExclusionCode[] => {
  if (status === undefined) return ['noStatus'];
  const out: ExclusionCode[] = [];
  if (!status.erOpen) out.push('erClosed');
  if (!status.accepts[category]) out.push('categoryNotAccepted');
  return out;
};

/** A drive time, with the straight-line distance and where the minutes came from. */
export interface TravelEstimate {
  readonly minutes: number;
  readonly distanceKm: number;
  readonly source: TravelSource;
}

/**
 * The travel model, the one place drive time is computed: the region matrix's minutes when it has
 * them, else haversine km × road factor / average speed. Dispatch ranks by it and the tablet's GPS
 * ETA (issue 16, item 4) uses it, so the two never disagree about the same trip.
 */
export const travelEstimate = (
  from: LatLon,
  site: Pick<HospitalSite, 'location'>,
  policy: Pick<RankingPolicy, 'roadFactor' | 'averageSpeedKmh'>,
  matrixMinutes?: number,
): TravelEstimate => {
  const distanceKm = haversineKm(from, site.location);
  return matrixMinutes === undefined
    ? {
        minutes: ((distanceKm * policy.roadFactor) / policy.averageSpeedKmh) * 60,
        distanceKm,
        source: 'estimate',
      }
    : { minutes: matrixMinutes, distanceKm, source: 'matrix' };
};

/**
 * Ranks the region's hospitals for one incident. Pure: the same input gives the same output, in
 * any order of `hospitals` and `refusals`. Cost = travel minutes + the penalties listed in each
 * entry's reasons; ties go to the shorter trip, then to the smaller hospital id.
 */
export const rankHospitals = (input: RankInput): Result<Ranking, RankingError> => {
  const { incident, policy } = input;
  const refusals = recentRefusalCounts(input);
  const seen = new Set<string>();
  const ranked: Omit<RankedHospital, 'rank'>[] = [];
  const excluded: ExcludedHospital[] = [];

  for (const site of input.hospitals) {
    if (seen.has(site.id)) return err({ code: RANKING_ERROR.duplicateHospital, hospitalId: site.id });
    seen.add(site.id);

    const fromMatrix = input.travelMinutes?.get(site.id);
    const { minutes: travelMinutes, distanceKm } = travelEstimate(
      incident.location,
      site,
      policy,
      fromMatrix,
    );
    const status = input.statuses.get(site.id);
    const out = exclusions(status, incident.category);
    if (status === undefined || out.length > 0) {
      excluded.push({ hospitalId: site.id, name: site.name, travelMinutes, reasons: out });
      continue;
    }
    const freshness = freshnessOf(status, input.now, policy);
    const reasons: RankReason[] = [
      {
        code: 'travel',
        minutes: travelMinutes,
        distanceKm,
        source: fromMatrix === undefined ? 'estimate' : 'matrix',
      },
      ...penalties(site, status, freshness, refusals.get(site.id) ?? 0, input),
    ];
    const costMinutes = reasons.reduce((sum, r) => sum + r.minutes, 0);
    ranked.push({
      hospitalId: site.id,
      name: site.name,
      level: site.level,
      costMinutes,
      travelMinutes,
      freshness,
      reasons,
    });
  }

  ranked.sort(
    (a, b) =>
      a.costMinutes - b.costMinutes ||
      a.travelMinutes - b.travelMinutes ||
      compareIds(a.hospitalId, b.hospitalId),
  );
  excluded.sort((a, b) => a.travelMinutes - b.travelMinutes || compareIds(a.hospitalId, b.hospitalId));
  return ok({ ranked: ranked.map((r, i) => ({ rank: i + 1, ...r })), excluded });
};
