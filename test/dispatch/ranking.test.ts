import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACUITIES,
  CATEGORIES,
  DEFAULT_RANKING_POLICY,
  RANKING_ERROR,
  rankHospitals,
  type Incident,
  type RankInput,
  type Ranking,
} from '../../src/dispatch/index.js';
import { goodStatus, hospitalsArb, NOW, site } from './arbitraries.js';

const YOKOHAMA = { lat: 35.4437, lon: 139.638 };
const policy = DEFAULT_RANKING_POLICY;

const incidentArb: fc.Arbitrary<Incident> = fc.record({
  location: fc.record({
    lat: fc.double({ min: 35.2, max: 35.8, noNaN: true }),
    lon: fc.double({ min: 139.1, max: 139.9, noNaN: true }),
  }),
  category: fc.constantFrom(...CATEGORIES),
  acuity: fc.constantFrom(...ACUITIES),
});

const rank = (input: RankInput): Ranking => {
  const r = rankHospitals(input);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};

const order = (r: Ranking): string[] => r.ranked.map((h) => h.hospitalId);

const inputArb = fc
  .record({
    incident: incidentArb,
    region: hospitalsArb,
    refusalAges: fc.array(fc.tuple(fc.nat(30), fc.integer({ min: 0, max: 6 * 60 })), { maxLength: 20 }),
  })
  .map(({ incident, region, refusalAges }): RankInput => {
    const refusals = refusalAges.map(([i, ageMinutes]) => ({
      hospitalId: region.sites[i % region.sites.length]?.id ?? 'none',
      at: NOW - ageMinutes * 60_000,
    }));
    return { incident, hospitals: region.sites, statuses: region.statuses, refusals, now: NOW, policy };
  });

describe('ranking properties', () => {
  it('does not depend on the order of hospitals or refusals', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (input, seed) => {
        const shuffle = <T>(xs: readonly T[]): T[] =>
          xs
            .map((x, i) => ({ x, k: (i * 2654435761 + seed) % 4294967296 }))
            .sort((a, b) => a.k - b.k)
            .map((e) => e.x);
        const shuffled = { ...input, hospitals: shuffle(input.hospitals), refusals: shuffle(input.refusals) };
        expect(rank(shuffled)).toEqual(rank(input));
      }),
    );
  });

  it('ranks only open hospitals that accept the category, and says why the others are out', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = rank(input);
        expect(r.ranked.length + r.excluded.length).toBe(input.hospitals.length);
        for (const h of r.ranked) {
          const status = input.statuses.get(h.hospitalId);
          expect(status?.erOpen).toBe(true);
          expect(status?.accepts[input.incident.category]).toBe(true);
        }
        for (const h of r.excluded) {
          const status = input.statuses.get(h.hospitalId);
          const expected = [
            ...(status === undefined ? ['noStatus'] : []),
            ...(status !== undefined && !status.erOpen ? ['erClosed'] : []),
            ...(status !== undefined && !status.accepts[input.incident.category]
              ? ['categoryNotAccepted']
              : []),
          ];
          expect(h.reasons).toEqual(expected);
        }
      }),
    );
  });

  it('explains every cost: the reasons add up to it, travel first', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const h of rank(input).ranked) {
          expect(h.reasons[0]?.code).toBe('travel');
          const sum = h.reasons.reduce((s, x) => s + x.minutes, 0);
          expect(sum).toBeCloseTo(h.costMinutes, 9);
        }
      }),
    );
  });

  it('is sorted by cost, then travel time, then hospital id', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = rank(input).ranked;
        r.forEach((h, i) => expect(h.rank).toBe(i + 1));
        for (let i = 1; i < r.length; i++) {
          const [a, b] = [r[i - 1], r[i]];
          if (a === undefined || b === undefined) continue;
          const key = (h: typeof a) => [h.costMinutes, h.travelMinutes] as const;
          const before =
            key(a)[0] < key(b)[0] ||
            (key(a)[0] === key(b)[0] &&
              (key(a)[1] < key(b)[1] || (key(a)[1] === key(b)[1] && a.hospitalId < b.hospitalId)));
          expect(before).toBe(true);
        }
      }),
    );
  });

  it('is monotone in travel time: a longer trip never moves a hospital up', () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.nat(),
        fc.double({ min: 0.01, max: 120, noNaN: true }),
        (input, pick, delta) => {
          const base = rank(input);
          const target = base.ranked[pick % Math.max(1, base.ranked.length)];
          if (target === undefined) return;
          const minutes = new Map(base.ranked.map((h) => [h.hospitalId, h.travelMinutes]));
          minutes.set(target.hospitalId, target.travelMinutes + delta);
          const slower = rank({ ...input, travelMinutes: minutes });
          const after = slower.ranked.find((h) => h.hospitalId === target.hospitalId);
          expect(after?.rank).toBeGreaterThanOrEqual(target.rank);
          expect(after?.reasons[0]).toMatchObject({ code: 'travel', source: 'matrix' });
        },
      ),
    );
  });

  it('penalises and labels a stale status: ageing never moves a hospital up', () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (input, pick) => {
        const base = rank(input);
        const target = base.ranked[pick % Math.max(1, base.ranked.length)];
        if (target === undefined || target.freshness.label !== 'fresh') return;
        const status = input.statuses.get(target.hospitalId);
        if (status === undefined) return;
        const statuses = new Map(input.statuses);
        statuses.set(target.hospitalId, {
          ...status,
          updatedAt: NOW - (policy.staleAfterMinutes + 1) * 60_000,
        });
        const after = rank({ ...input, statuses }).ranked.find((h) => h.hospitalId === target.hospitalId);
        expect(after?.freshness.label).toBe('stale');
        expect(after?.costMinutes).toBeCloseTo(target.costMinutes + policy.stalePenaltyMinutes, 9);
        expect(after?.rank).toBeGreaterThanOrEqual(target.rank);
        expect(after?.reasons.map((x) => x.code)).toContain('stale');
      }),
    );
  });

  it('breaks exact ties by hospital id', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 999 }), { minLength: 2, maxLength: 12 }), (ns) => {
        const hospitals = ns.map((n) => site(`h-${n}`, 35.5, 139.6));
        const statuses = new Map(hospitals.map((h) => [h.id, goodStatus(h.id)]));
        const incident: Incident = { location: YOKOHAMA, category: 'trauma', acuity: 'serious' };
        const r = rank({ incident, hospitals, statuses, refusals: [], now: NOW, policy });
        expect(order(r)).toEqual(hospitals.map((h) => h.id).sort());
      }),
    );
  });
});

describe('ranking examples', () => {
  const incident: Incident = { location: YOKOHAMA, category: 'stemi', acuity: 'critical' };
  const near = site('h-near', 35.45, 139.64);
  const far = site('h-far', 35.6, 139.7);

  it('puts a farther hospital first when the near one has no cath lab, and says so', () => {
    const farther = site('h-farther', 35.5, 139.66); // about 6.5 km: 16 min against 2 + 20
    const statuses = new Map([
      [near.id, goodStatus(near.id, { equipment: { ct: true, mri: true, cathLab: false } })],
      [farther.id, goodStatus(farther.id)],
    ]);
    const r = rank({ incident, hospitals: [near, farther], statuses, refusals: [], now: NOW, policy });
    expect(order(r)).toEqual(['h-farther', 'h-near']);
    expect(r.ranked[1]?.reasons).toContainEqual({
      code: 'missingEquipment',
      equipment: 'cathLab',
      minutes: policy.missingEquipmentPenaltyMinutes,
    });
  });

  it('counts refusals inside the window only', () => {
    const statuses = new Map([[near.id, goodStatus(near.id)]]);
    const refusals = [
      { hospitalId: near.id, at: NOW - 60 * 60_000 },
      { hospitalId: near.id, at: NOW - 2 * 60 * 60_000 },
      { hospitalId: near.id, at: NOW - 5 * 60 * 60_000 },
    ];
    const r = rank({ incident, hospitals: [near], statuses, refusals, now: NOW, policy });
    expect(r.ranked[0]?.reasons).toContainEqual({
      code: 'recentRefusals',
      count: 2,
      windowHours: 3,
      minutes: 2 * policy.refusalPenaltyMinutes,
    });
  });

  it('labels an expired status and one from the future', () => {
    const statuses = new Map([
      [near.id, goodStatus(near.id, { updatedAt: NOW - 5 * 3_600_000 })],
      [far.id, goodStatus(far.id, { updatedAt: NOW + 10 * 60_000 })],
    ]);
    const r = rank({ incident, hospitals: [near, far], statuses, refusals: [], now: NOW, policy });
    const byId = new Map(r.ranked.map((h) => [h.hospitalId, h]));
    expect(byId.get(near.id)?.freshness.label).toBe('expired');
    expect(byId.get(far.id)?.freshness).toMatchObject({ label: 'stale', fromFuture: true });
    expect(byId.get(far.id)?.reasons.map((x) => x.code)).toContain('statusFromFuture');
  });

  it('estimates travel as haversine × road factor at the average speed', () => {
    const statuses = new Map([[far.id, goodStatus(far.id)]]);
    const r = rank({ incident, hospitals: [far], statuses, refusals: [], now: NOW, policy });
    const travel = r.ranked[0]?.reasons[0];
    if (travel?.code !== 'travel') throw new Error('travel reason first');
    expect(travel.source).toBe('estimate');
    expect(travel.minutes).toBeCloseTo((travel.distanceKm * 1.4 * 60) / 35, 9);
    expect(travel.distanceKm).toBeGreaterThan(18);
    expect(travel.distanceKm).toBeLessThan(19);
  });

  it('refuses a region with a duplicate hospital id', () => {
    const r = rankHospitals({
      incident,
      hospitals: [near, near],
      statuses: new Map(),
      refusals: [],
      now: NOW,
      policy,
    });
    expect(r).toEqual({ ok: false, error: { code: RANKING_ERROR.duplicateHospital, hospitalId: 'h-near' } });
  });
});
