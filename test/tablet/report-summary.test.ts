/**
 * reportSummary (src/roles/tablet/report-summary.ts): the summary the crew saw → the wire form of the
 * pre-arrival report (CONTRACT-summary §2). Statuses travel exactly: what the wire cannot carry is
 * counted, unavailable keeps its reason, and "none known" comes only from "none known".
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { Summary } from '../../src/hospital-feed/summary-wire.js';
import { parseSummary } from '../../src/records/index.js';
import {
  UNAVAILABLE_REASONS,
  type Allergy,
  type EmergencySummary,
  type Medication,
  type Section,
} from '../../src/summary/index.js';
import { reportSummary } from '../../src/roles/tablet/index.js';

const FETCHED = Date.parse('2026-03-25T01:00:00Z');
/** Every section unavailable (not sent): nothing was read. */
const EMPTY: EmergencySummary = parseSummary([]);
const P = { document: '診療情報提供書', organisation: '合成病院', date: '2026-03-01' };

const allergy = (i: number): Allergy => ({
  substance: `allergen ${i}`,
  category: 'food',
  criticality: 'low',
  reactions: ['発疹'],
  codes: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS', code: 'J9FA19140000' }],
  provenance: P,
});
const medication = (i: number): Medication => ({
  name: `drug ${i}`,
  current: true,
  classified: true,
  flags: [],
  codes: [{ system: 'urn:oid:1.2.392.100495.20.1.73', code: '2149039F2038' }],
  provenance: P,
});
const many = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const wire = (summary: EmergencySummary) => {
  const out = reportSummary(summary, FETCHED);
  // Whatever the input, the result is a valid wire Summary.
  expect(v.safeParse(Summary, out).success).toBe(true);
  return out;
};

describe('reportSummary', () => {
  it('an available section with more items than the wire carries goes partial, the rest counted', () => {
    const out = wire({
      ...EMPTY,
      allergies: { status: 'available', items: many(101, allergy), newest: '2026-03-01', sources: ['a'] },
    });
    expect(out.sections.allergies).toMatchObject({ status: 'partial', unreadable: 1, sources: ['a'] });
    expect(out.sections.allergies.items).toHaveLength(100);
  });

  it('a partial section keeps its unreadable count, plus what overflowed', () => {
    const out = wire({
      ...EMPTY,
      medications: { status: 'partial', items: many(205, medication), unreadable: 3, sources: ['b'] },
    });
    expect(out.sections.medications).toMatchObject({ status: 'partial', unreadable: 8 });
    expect(out.sections.medications.items).toHaveLength(200);
  });

  it('an available section that fits stays available, with no unreadable count', () => {
    const out = wire({
      ...EMPTY,
      allergies: { status: 'available', items: many(3, allergy), sources: ['c'] },
    });
    expect(out.sections.allergies.status).toBe('available');
    expect(out.sections.allergies.items.map((a) => a.substance)).toEqual([
      'allergen 0',
      'allergen 1',
      'allergen 2',
    ]);
    expect(out.sections.allergies).not.toHaveProperty('unreadable');
  });

  it('unavailable stays unavailable with its reason, for every reason, never an empty "none"', () => {
    for (const reason of UNAVAILABLE_REASONS) {
      const out = wire({ ...EMPTY, allergies: { status: 'unavailable', reason } });
      expect(out.sections.allergies).toEqual({ status: 'unavailable', reason, items: [] });
    }
  });

  it('"none known" on the wire only from "none known", with the kind of negation kept', () => {
    const none: Section<Allergy> = {
      status: 'none-known',
      newest: '2026-01-15',
      sources: ['IPS'],
      noKnown: ['food'],
    };
    expect(wire({ ...EMPTY, allergies: none }).sections.allergies).toEqual({
      status: 'none-known',
      newest: '2026-01-15',
      sources: ['IPS'],
      noKnown: ['food'],
      items: [],
    });
    const inputs: Section<Allergy>[] = [
      { status: 'available', items: many(1, allergy), sources: [] },
      { status: 'partial', items: [], unreadable: 2, sources: [] },
      ...UNAVAILABLE_REASONS.map((reason) => ({ status: 'unavailable' as const, reason })),
    ];
    for (const section of inputs)
      expect(wire({ ...EMPTY, allergies: section }).sections.allergies.status).not.toBe('none-known');
  });

  it('every section of a summary of nothing is unavailable on the wire, and the flags too', () => {
    const out = wire(EMPTY);
    for (const section of Object.values(out.sections))
      expect(section).toEqual({ status: 'unavailable', reason: 'not-sent', items: [] });
    expect(out.criticalFlags).toEqual({ status: 'unavailable', flags: [], unclassified: 0 });
    expect(out.dataAsOf).toBe('2026-03-25T01:00:00.000Z');
  });

  it('critical flags travel as computed, incomplete with its unclassified count', () => {
    const out = wire({
      ...EMPTY,
      medications: { status: 'available', items: many(2, medication), sources: [] },
      criticalFlags: { status: 'incomplete', flags: ['anticoagulant', 'immunosuppressant'], unclassified: 1 },
    });
    expect(out.criticalFlags).toEqual({
      status: 'incomplete',
      flags: ['anticoagulant', 'immunosuppressant'],
      unclassified: 1,
    });
  });
});
