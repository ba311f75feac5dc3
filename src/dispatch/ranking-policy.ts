import * as v from 'valibot';

const Minutes = (fallback: number) =>
  v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(1440)), fallback);

/**
 * Every weight of the ranking, in minutes of travel a condition is worth: a dispatcher can read
 * "+15 min: ED 100 % loaded" and argue with it, which an abstract score would not allow.
 */
export const RankingPolicy = v.pipe(
  v.object({
    /** Road distance over straight-line distance; about 1.3–1.5 in Japanese cities. */
    roadFactor: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(3)), 1.4),
    /** Average ambulance speed with warning lights in mixed urban traffic. */
    averageSpeedKmh: v.optional(v.pipe(v.number(), v.minValue(5), v.maxValue(150)), 35),
    /** Penalty at 100 % ED load, scaled linearly. */
    loadPenaltyMinutes: Minutes(15),
    /** A status older than this is labelled stale. */
    staleAfterMinutes: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(1440)), 30),
    /** A status older than this is labelled expired: it says little about now. */
    expiredAfterMinutes: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(10_080)), 240),
    stalePenaltyMinutes: Minutes(10),
    expiredPenaltyMinutes: Minutes(30),
    /** Clock skew tolerated before a status dated in the future is treated as stale. */
    futureToleranceMinutes: Minutes(2),
    /** Declines counted against a hospital look this far back. */
    refusalWindowHours: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(72)), 3),
    refusalPenaltyMinutes: Minutes(5),
    /** Per missing piece of required equipment (CT for stroke and trauma, cath lab for STEMI). */
    missingEquipmentPenaltyMinutes: Minutes(20),
    /** Critical patient, no free ICU bed. */
    noIcuBedPenaltyMinutes: Minutes(20),
    /** No free bed at all. */
    noFreeBedPenaltyMinutes: Minutes(15),
    /** Critical patient, hospital not a tertiary centre (救命救急センター). */
    notTertiaryPenaltyMinutes: Minutes(10),
  }),
  v.forward(
    v.check(
      (p) => p.expiredAfterMinutes > p.staleAfterMinutes,
      'expiredAfterMinutes must be greater than staleAfterMinutes',
    ),
    ['expiredAfterMinutes'],
  ),
);
export type RankingPolicy = v.InferOutput<typeof RankingPolicy>;

/** The defaults, for callers without a configured policy. */
export const DEFAULT_RANKING_POLICY: RankingPolicy = v.parse(RankingPolicy, {});
