import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/records/index.js';
import { itemsOf, SECTION_KEYS, type EmergencySummary, type Section } from '../../src/summary/index.js';
import { ipsBundle, medicalRecord } from '../../src/sim/records/index.js';
import { summaryProblems } from '../support/summary-invariants.js';

const AS_OF = { asOf: new Date('2026-04-01') };
type Json = { entry: { fullUrl: string; resource: { resourceType: string } }[] };
const bundleOf = (holder: number, at: string): Json =>
  ipsBundle(medicalRecord(3, holder), at) as unknown as Json;

const counted = (s: Section<unknown>): number =>
  s.status === 'partial' ? s.unreadable + s.items.length : itemsOf(s).length;
const total = (s: EmergencySummary): number =>
  SECTION_KEYS.reduce((n, k) => n + counted(s[k] as Section<unknown>), 0);

describe('summary properties', () => {
  it('no item is lost without being counted: removing resources from a bundle leaves items + unreadable constant', () => {
    fc.assert(
      fc.property(fc.nat({ max: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (holder, drops) => {
        const bundle = bundleOf(holder, '2026-03-01T09:00:00+09:00');
        const whole = parseSummary([bundle], AS_OF);
        const clinical = bundle.entry.filter(
          (e) => !['Composition', 'Patient', 'Organization'].includes(e.resource.resourceType),
        );
        if (clinical.length === 0) return;
        const gone = new Set(drops.map((d) => clinical[d % clinical.length]?.fullUrl));
        const cut = { ...bundle, entry: bundle.entry.filter((e) => !gone.has(e.fullUrl)) };
        const s = parseSummary([cut], AS_OF);
        expect(summaryProblems(s)).toEqual([]);
        // Every listed entry is still an item or counted unreadable in its section.
        expect(total(s)).toBe(total(whole));
      }),
      { numRuns: 60 },
    );
  });

  it('flags are never complete while a current medication is unclassified', () => {
    fc.assert(
      fc.property(fc.nat({ max: 300 }), fc.string({ minLength: 1, maxLength: 12 }), (holder, code) => {
        const bundle = bundleOf(holder, '2026-03-01T09:00:00+09:00');
        const unknown = {
          fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000001',
          resource: {
            resourceType: 'MedicationStatement',
            status: 'active',
            medicationCodeableConcept: {
              coding: [{ system: 'urn:example:local', code }],
              text: 'local drug',
            },
          },
        };
        const s = parseSummary([{ ...bundle, entry: [...bundle.entry, unknown] }], AS_OF);
        expect(summaryProblems(s)).toEqual([]);
        expect(s.criticalFlags.status).toBe('incomplete');
        expect(s.criticalFlags.unclassified).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('merging is order-independent for the items (and the whole summary)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 300 }),
        fc.shuffledSubarray(['2026-01-05', '2026-02-05', '2026-03-05', '2026-04-01'], { minLength: 2 }),
        (holder, dates) => {
          const bundles = dates.map((d) => bundleOf(holder, `${d}T09:00:00+09:00`));
          const forward = parseSummary(bundles, AS_OF);
          const backward = parseSummary([...bundles].reverse(), AS_OF);
          expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
          // The same facts from several documents are one each.
          expect(total(forward)).toBe(total(parseSummary([bundles[0]], AS_OF)));
        },
      ),
      { numRuns: 40 },
    );
  });
});
