import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RANKING_POLICY,
  rankHospitals,
  travelEstimate,
  type HospitalSite,
} from '../../src/dispatch/index.js';
import { decideEta, gpsEta, type EtaPolicy, type EtaTrack, type Fix } from '../../src/roles/tablet/eta.js';
import { goodStatus, NOW } from '../dispatch/arbitraries.js';

const SHINJUKU: HospitalSite = {
  id: 'hosp-demo-a',
  name: 'デモ病院 A',
  location: { lat: 35.6925, lon: 139.699 },
  level: 'tertiary',
};
const policy: EtaPolicy = {
  materialChangeMinutes: 2,
  minUpdateIntervalMs: 60_000,
  maxFixAgeMs: 60_000,
  maxAccuracyMeters: 500,
  roadFactor: DEFAULT_RANKING_POLICY.roadFactor,
  averageSpeedKmh: DEFAULT_RANKING_POLICY.averageSpeedKmh,
};
const T = 1_800_000_000_000;
const fix = (lat: number, lon: number, patch: Partial<Fix> = {}): Fix => ({
  position: { lat, lon },
  accuracyMeters: 20,
  at: T,
  ...patch,
});
const track = (patch: Partial<EtaTrack> = {}): EtaTrack => ({
  reportId: 'r-00000001',
  hospitalId: SHINJUKU.id,
  sentEta: T + 20 * 60_000,
  ...patch,
});

describe('GPS ETA: the same travel model as dispatch ranking', () => {
  it('gives the minutes rankHospitals lists as the travel reason, for any position', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 35.3, max: 35.9, noNaN: true }),
        fc.double({ min: 139.2, max: 139.99, noNaN: true }),
        (lat, lon) => {
          const ranking = rankHospitals({
            incident: { location: { lat, lon }, category: 'stroke', acuity: 'serious' },
            hospitals: [SHINJUKU],
            statuses: new Map([[SHINJUKU.id, goodStatus(SHINJUKU.id)]]),
            refusals: [],
            now: NOW,
            policy: DEFAULT_RANKING_POLICY,
          });
          if (!ranking.ok) throw new Error(ranking.error.code);
          const listed = ranking.value.ranked[0]?.travelMinutes;
          const { eta, estimate } = gpsEta(fix(lat, lon), SHINJUKU, policy, T);
          expect(estimate.minutes).toBe(listed);
          expect(eta).toBe(T + Math.round((listed ?? NaN) * 60_000));
        },
      ),
    );
  });

  it('takes the region matrix minutes when given, as ranking does', () => {
    expect(travelEstimate({ lat: 35.6, lon: 139.7 }, SHINJUKU, policy, 17)).toMatchObject({
      minutes: 17,
      source: 'matrix',
    });
  });

  it('is 0 minutes at the door', () => {
    expect(gpsEta(fix(35.6925, 139.699), SHINJUKU, policy, T).eta).toBe(T);
  });
});

describe('decideEta: when a GPS ETA becomes an update', () => {
  // ~5.4 km south of the hospital: about 12.9 min by the default road factor and speed.
  const far = fix(35.644, 139.699);
  const farEta = gpsEta(far, SHINJUKU, policy, T).eta;

  it('sends a change of at least the threshold, not less', () => {
    expect(decideEta(track({ sentEta: farEta + 2 * 60_000 }), far, SHINJUKU, policy, T)).toMatchObject({
      send: true,
      eta: farEta,
    });
    expect(decideEta(track({ sentEta: farEta - 2 * 60_000 }), far, SHINJUKU, policy, T).send).toBe(true);
    expect(decideEta(track({ sentEta: farEta + 119_999 }), far, SHINJUKU, policy, T)).toMatchObject({
      send: false,
      reason: 'not-material',
      eta: farEta,
    });
  });

  it('sends at most once per interval, then again once it has passed', () => {
    const t = track({ sentEta: farEta + 10 * 60_000, autoSentAt: T - 59_999 });
    expect(decideEta(t, far, SHINJUKU, policy, T)).toMatchObject({ send: false, reason: 'rate-limited' });
    expect(decideEta({ ...t, autoSentAt: T - 60_000 }, far, SHINJUKU, policy, T).send).toBe(true);
  });

  it("never sends over the crew's own ETA, but still computes it for the screen", () => {
    const d = decideEta(track({ sentEta: T, manualEta: T }), far, SHINJUKU, policy, T);
    expect(d).toMatchObject({ send: false, reason: 'manual', eta: farEta });
  });

  it('ignores a stale or imprecise fix, and a destination with no known site', () => {
    const t = track({ sentEta: T });
    expect(decideEta(t, { ...far, at: T - 60_001 }, SHINJUKU, policy, T)).toEqual({
      send: false,
      reason: 'stale-fix',
    });
    expect(decideEta(t, { ...far, accuracyMeters: 501 }, SHINJUKU, policy, T)).toEqual({
      send: false,
      reason: 'imprecise-fix',
    });
    expect(decideEta(t, far, undefined, policy, T)).toEqual({ send: false, reason: 'no-site' });
  });

  it('never sends a change below the threshold, whatever the position and the ETA held', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 35.3, max: 35.9, noNaN: true }),
        fc.double({ min: 139.2, max: 139.99, noNaN: true }),
        fc.integer({ min: -120 * 60_000, max: 120 * 60_000 }),
        (lat, lon, offset) => {
          const f = fix(lat, lon);
          const d = decideEta(track({ sentEta: T + offset }), f, SHINJUKU, policy, T);
          if (d.send) expect(Math.abs(d.eta - (T + offset))).toBeGreaterThanOrEqual(2 * 60_000);
        },
      ),
    );
  });
});
