import { travelEstimate, type HospitalSite, type LatLon, type TravelEstimate } from '../../dispatch/index.js';

/**
 * The tablet's GPS-based ETA (issue 16, item 4), as pure decisions: the drive time by dispatch's own
 * travel model (`travelEstimate`), and whether a new ETA is worth an update to the hospital. The
 * position is an argument, never stored here: the adapter keeps only the latest fix, in memory.
 */

export interface EtaPolicy {
  /** A computed ETA this far (minutes) from the one the hospital has is sent as an update. */
  readonly materialChangeMinutes: number;
  /** At most one automatic update per report this often (ms). */
  readonly minUpdateIntervalMs: number;
  /** A fix older than this (ms) is not used. */
  readonly maxFixAgeMs: number;
  /** A fix less precise than this (metres, the Geolocation API's `accuracy`) is not used. */
  readonly maxAccuracyMeters: number;
  readonly roadFactor: number;
  readonly averageSpeedKmh: number;
}

export interface Fix {
  readonly position: LatLon;
  readonly accuracyMeters: number;
  /** When the browser took the fix (ms since the epoch). */
  readonly at: number;
}

/** What is known about one report's ETA. */
export interface EtaTrack {
  readonly reportId: string;
  readonly hospitalId: string;
  /** The ETA the hospital holds (the report's latest `eta`, ms). */
  readonly sentEta: number;
  /** When the last automatic update was sent; undefined before the first. */
  readonly autoSentAt?: number;
  /** The crew's own ETA (ms): it wins over GPS until the crew clears it. */
  readonly manualEta?: number;
}

export type EtaDecision =
  | { readonly send: true; readonly eta: number; readonly estimate: TravelEstimate }
  | {
      readonly send: false;
      readonly reason: 'manual' | 'no-site' | 'stale-fix' | 'imprecise-fix' | 'not-material' | 'rate-limited';
      readonly eta?: number;
      readonly estimate?: TravelEstimate;
    };

/** Arrival time from a fix: now + the drive time to the site by the travel model. */
export const gpsEta = (
  fix: Fix,
  site: Pick<HospitalSite, 'location'>,
  policy: Pick<EtaPolicy, 'roadFactor' | 'averageSpeedKmh'>,
  now: number,
  matrixMinutes?: number,
): { readonly eta: number; readonly estimate: TravelEstimate } => {
  const estimate = travelEstimate(fix.position, site, policy, matrixMinutes);
  return { eta: now + Math.round(estimate.minutes * 60_000), estimate };
};

/**
 * Whether to send the GPS ETA as an update: never over the crew's own ETA, never from an old or
 * imprecise fix, only when it moved at least `materialChangeMinutes` from what the hospital has, and
 * at most once per `minUpdateIntervalMs` (the crew's other updates are not limited by this).
 */
export const decideEta = (
  track: EtaTrack,
  fix: Fix,
  site: Pick<HospitalSite, 'location'> | undefined,
  policy: EtaPolicy,
  now: number,
): EtaDecision => {
  if (site === undefined) return { send: false, reason: 'no-site' };
  if (now - fix.at > policy.maxFixAgeMs) return { send: false, reason: 'stale-fix' };
  if (fix.accuracyMeters > policy.maxAccuracyMeters) return { send: false, reason: 'imprecise-fix' };
  const { eta, estimate } = gpsEta(fix, site, policy, now);
  if (track.manualEta !== undefined) return { send: false, reason: 'manual', eta, estimate };
  if (Math.abs(eta - track.sentEta) < policy.materialChangeMinutes * 60_000)
    return { send: false, reason: 'not-material', eta, estimate };
  if (track.autoSentAt !== undefined && now - track.autoSentAt < policy.minUpdateIntervalMs)
    return { send: false, reason: 'rate-limited', eta, estimate };
  return { send: true, eta, estimate };
};
