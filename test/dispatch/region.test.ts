import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RANKING_POLICY,
  freshnessOf,
  parseHospitalStatus,
  parseRegion,
  rankHospitals,
} from '../../src/dispatch/index.js';
import { sampleRegion } from '../../src/sim/index.js';
import { NOW } from './arbitraries.js';

describe('synthetic sample region', () => {
  const sample = sampleRegion({ seed: 7, now: NOW });

  it('is the same for the same seed, and a larger count extends a smaller one', () => {
    expect(sampleRegion({ seed: 7, now: NOW })).toEqual(sample);
    const big = sampleRegion({ seed: 7, count: 400, now: NOW });
    expect(big.region.hospitals.slice(0, 200)).toEqual(sample.region.hospitals);
    expect(sampleRegion({ seed: 8, now: NOW }).region.hospitals).not.toEqual(sample.region.hospitals);
  });

  it('passes the region and status schemas it is meant to exercise', () => {
    expect(parseRegion(sample.region).ok).toBe(true);
    for (const s of sample.statuses) expect(parseHospitalStatus(s)).toEqual({ ok: true, value: s });
  });

  it('has a realistic mix: a few tertiary centres, mostly secondary, varied freshness, some silent', () => {
    const { hospitals } = sample.region;
    expect(hospitals).toHaveLength(200);
    const levels = new Map<string, number>();
    for (const h of hospitals) levels.set(h.level, (levels.get(h.level) ?? 0) + 1);
    expect(levels.get('tertiary')).toBeGreaterThanOrEqual(3);
    expect(levels.get('tertiary')).toBeLessThanOrEqual(25);
    expect(levels.get('secondary')).toBeGreaterThan(120);
    const labels = new Set(sample.statuses.map((s) => freshnessOf(s, NOW, DEFAULT_RANKING_POLICY).label));
    expect([...labels].sort()).toEqual(['expired', 'fresh', 'stale']);
    expect(sample.statuses.length).toBeLessThan(200);
    expect(new Set(hospitals.map((h) => h.name)).size).toBe(200);
    for (const h of hospitals) {
      expect(h.location.lat).toBeGreaterThan(35.1);
      expect(h.location.lat).toBeLessThan(35.9);
      expect(h.location.lon).toBeGreaterThan(139.0);
      expect(h.location.lon).toBeLessThan(140.0);
    }
  });

  it('gives a stroke in Yokohama somewhere to go', () => {
    const r = rankHospitals({
      incident: { location: { lat: 35.4437, lon: 139.638 }, category: 'stroke', acuity: 'serious' },
      hospitals: sample.region.hospitals,
      statuses: new Map(sample.statuses.map((s) => [s.hospitalId, s])),
      refusals: [],
      now: NOW,
      policy: DEFAULT_RANKING_POLICY,
    });
    expect(r.ok && r.value.ranked.length).toBeGreaterThan(10);
    expect(r.ok && r.value.ranked[0]?.travelMinutes).toBeLessThan(20);
  });
});
