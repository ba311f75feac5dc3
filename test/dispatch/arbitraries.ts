import fc from 'fast-check';
import {
  CATEGORIES,
  HOSPITAL_LEVELS,
  type HospitalSite,
  type HospitalStatus,
} from '../../src/dispatch/index.js';

export const NOW = Date.UTC(2026, 4, 1, 3, 0, 0);

const acceptsAll = Object.fromEntries(CATEGORIES.map((c) => [c, true])) as HospitalStatus['accepts'];

/** A status that accepts everything, fresh, idle: tests change one field at a time from here. */
export const goodStatus = (hospitalId: string, over: Partial<HospitalStatus> = {}): HospitalStatus => ({
  hospitalId,
  erOpen: true,
  accepts: acceptsAll,
  beds: { free: 10, icuFree: 2 },
  equipment: { ct: true, mri: true, cathLab: true },
  loadPercent: 0,
  updatedAt: NOW,
  ...over,
});

export const site = (
  id: string,
  lat: number,
  lon: number,
  over: Partial<HospitalSite> = {},
): HospitalSite => ({
  id,
  name: `${id} 病院`,
  location: { lat, lon },
  level: 'tertiary',
  ...over,
});

const acceptsArb = fc.record(
  Object.fromEntries(CATEGORIES.map((c) => [c, fc.boolean()])) as Record<
    keyof HospitalStatus['accepts'],
    fc.Arbitrary<boolean>
  >,
);

/** A hospital near Yokohama with a random status (or none), ids unique by construction. */
export const hospitalsArb = fc
  .uniqueArray(
    fc.record({
      n: fc.integer({ min: 1, max: 9999 }),
      lat: fc.double({ min: 35.2, max: 35.8, noNaN: true }),
      lon: fc.double({ min: 139.1, max: 139.9, noNaN: true }),
      level: fc.constantFrom(...HOSPITAL_LEVELS),
      hasStatus: fc.boolean(),
      erOpen: fc.boolean(),
      accepts: acceptsArb,
      free: fc.integer({ min: 0, max: 5 }),
      icuFree: fc.integer({ min: 0, max: 2 }),
      ct: fc.boolean(),
      cathLab: fc.boolean(),
      loadPercent: fc.integer({ min: 0, max: 100 }),
      ageMinutes: fc.integer({ min: -10, max: 600 }),
    }),
    { selector: (h) => h.n, minLength: 1, maxLength: 25 },
  )
  .map((rows) => {
    const sites = rows.map((r) => site(`h-${r.n}`, r.lat, r.lon, { level: r.level }));
    const statuses = new Map<string, HospitalStatus>();
    for (const r of rows) {
      if (!r.hasStatus) continue;
      statuses.set(
        `h-${r.n}`,
        goodStatus(`h-${r.n}`, {
          erOpen: r.erOpen,
          accepts: r.accepts,
          beds: { free: r.free, icuFree: r.icuFree },
          equipment: { ct: r.ct, mri: true, cathLab: r.cathLab },
          loadPercent: r.loadPercent,
          updatedAt: NOW - r.ageMinutes * 60_000,
        }),
      );
    }
    return { sites, statuses };
  });
