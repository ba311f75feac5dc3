import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { fieldProblems, type FieldProblem } from './problems.js';
import { OpaqueId } from './vocabulary.js';

export const LatLon = v.object({
  lat: v.pipe(v.number(), v.minValue(-90), v.maxValue(90)),
  lon: v.pipe(v.number(), v.minValue(-180), v.maxValue(180)),
});
export type LatLon = v.InferOutput<typeof LatLon>;

/**
 * 三次 (tertiary: 救命救急センター, takes the critically ill around the clock), 二次 (secondary:
 * admits emergency patients), or a specialty hospital (psychiatric, maternity, children's).
 */
export const HOSPITAL_LEVELS = ['tertiary', 'secondary', 'specialty'] as const;
export type HospitalLevel = (typeof HOSPITAL_LEVELS)[number];

/** What does not change from hour to hour: where a hospital is and what kind it is. */
export const HospitalSite = v.object({
  id: OpaqueId,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  location: LatLon,
  level: v.picklist(HOSPITAL_LEVELS),
});
export type HospitalSite = v.InferOutput<typeof HospitalSite>;

const Minutes = v.pipe(v.number(), v.minValue(0), v.maxValue(24 * 60));

/**
 * A dispatch region, as the configured region file holds it: its hospitals and, optionally, a
 * travel-time matrix from zones (e.g. fire-station districts) to hospitals, in minutes, which beats
 * straight-line estimates where rivers, bays and expressways bend the roads.
 */
export const Region = v.pipe(
  v.object({
    id: OpaqueId,
    name: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    hospitals: v.array(HospitalSite),
    travelMatrix: v.optional(v.record(v.string(), v.record(v.string(), Minutes))),
  }),
  v.forward(
    v.check(
      (region) => new Set(region.hospitals.map((h) => h.id)).size === region.hospitals.length,
      'hospital ids must be unique',
    ),
    ['hospitals'],
  ),
);
export type Region = v.InferOutput<typeof Region>;

export const REGION_ERROR = { invalidRegion: 'invalidRegion' } as const;
export interface RegionError {
  readonly code: typeof REGION_ERROR.invalidRegion;
  readonly problems: readonly FieldProblem[];
}

export const parseRegion = (input: unknown): Result<Region, RegionError> => {
  const parsed = v.safeParse(Region, input);
  return parsed.success
    ? ok(parsed.output)
    : err({ code: REGION_ERROR.invalidRegion, problems: fieldProblems(parsed.issues) });
};

/** Mean Earth radius (IUGG), km. */
const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in km. */
export const haversineKm = (a: LatLon, b: LatLon): number => {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
};

/** Travel minutes from one zone of the region's matrix, for `rankHospitals`' `travelMinutes`. */
export const travelTimesFrom = (region: Region, zone: string): ReadonlyMap<string, number> =>
  new Map(Object.entries(region.travelMatrix?.[zone] ?? {}));
