import { describe, expect, it } from 'vitest';
import {
  ATC_SYSTEM,
  CRITICAL_FLAGS,
  YJ_SYSTEM,
  classifyDrug,
  itemsOf,
  parseSummary,
} from '../../src/records/index.js';
import { cardholder } from '../../src/sim/index.js';
import { ALL_DRUGS, ageAt, ipsBundle, medicalRecord, RECORDS_EPOCH } from '../../src/sim/records/index.js';
import { fhirErrors } from '../support/fhir-schema.js';
import { sectionEntryCount, summaryProblems } from '../support/summary-invariants.js';

const HOLDERS = 300;
/** Curated drugs whose 薬効分類 mixes classes (3399, 3999, 2492, 1149, 1190, 2171): the code alone is not enough. */
const MIXED_CURATED = [
  'acetylsalicylic acid',
  'amlodipine',
  'ciclosporin',
  'cilostazol',
  'clopidogrel',
  'donepezil',
  'insulin aspart',
  'insulin glargine',
  'methotrexate',
  'mycophenolic acid',
  'prasugrel',
  'tacrolimus',
  'tramadol',
];
const records = Array.from({ length: HOLDERS }, (_, i) => medicalRecord(7, i));

describe('the synthetic medical population', () => {
  it('is deterministic and linked to the card emulator’s holder by seed and index', () => {
    expect(medicalRecord(7, 12)).toEqual(records[12]);
    expect(records[12]?.holder).toEqual(cardholder(7, 12));
    expect(medicalRecord(8, 12)).not.toEqual(records[12]);
  });

  it('covers every critical medication class, and drug, food and contrast allergies', () => {
    const flags = new Set(
      records.flatMap((r) =>
        r.medications.flatMap(
          (m) => classifyDrug({ codings: [{ system: ATC_SYSTEM, code: m.drug.atc }], names: [] }).flags,
        ),
      ),
    );
    expect([...flags].sort()).toEqual([...CRITICAL_FLAGS].sort());
    const allergies = records.flatMap((r) => r.allergies.map((a) => a.def));
    expect(allergies.some((a) => a.category === 'food')).toBe(true);
    expect(allergies.some((a) => a.category === 'medication' && a.contrast !== true)).toBe(true);
    expect(allergies.some((a) => a.contrast === true)).toBe(true);
  });

  it('gives the old more conditions and medications than the young', () => {
    const mean = (rs: typeof records) =>
      rs.reduce((n, r) => n + r.medications.length, 0) / Math.max(1, rs.length);
    const age = (r: (typeof records)[number]) => ageAt(r.holder.birthDate, RECORDS_EPOCH);
    expect(mean(records.filter((r) => age(r) >= 75))).toBeGreaterThan(
      mean(records.filter((r) => age(r) < 40)) + 1,
    );
  });

  it('every curated drug’s 薬効分類 gives its ATC flags, or is left unclassified where the category mixes classes', () => {
    const mixed: string[] = [];
    for (const drug of ALL_DRUGS) {
      const byAtc = classifyDrug({ codings: [{ system: ATC_SYSTEM, code: drug.atc }], names: [] });
      // 薬効分類 + ingredient/route digits (001–399 oral, 400–699 injection).
      const code = `${drug.yjClass}${drug.ja.includes('注') ? '400' : '001'}`;
      const byYj = classifyDrug({ codings: [{ system: YJ_SYSTEM, code }], names: [] });
      expect(byAtc.classified).toBe(true);
      if (byYj.classified) expect(byYj.flags).toEqual(byAtc.flags);
      else mixed.push(drug.generic);
    }
    // Mixed categories need the ingredient, from the price list (test/records/drug-price-list.test.ts).
    expect(mixed.sort()).toEqual(MIXED_CURATED);
  });
});

describe('records-sim IPS bundles', () => {
  it('validate against the official FHIR R4 JSON schema, for 120 holders of two seeds', () => {
    const sample = [...records.slice(0, 60), ...Array.from({ length: 60 }, (_, i) => medicalRecord(42, i))];
    const failures = sample.flatMap((r, i) => {
      const errors = fhirErrors(ipsBundle(r, '2026-04-01T09:00:00+09:00'));
      return errors.length === 0 ? [] : [`holder ${i}: ${errors.slice(0, 3).join('; ')}`];
    });
    expect(failures).toEqual([]);
  });

  it('parse back into the same allergies, medications (with flags), conditions and insurance', () => {
    for (const record of records) {
      const bundle = ipsBundle(record, '2026-04-01T09:00:00+09:00');
      const s = parseSummary([bundle], { asOf: new Date('2026-04-01') });
      expect(summaryProblems(s)).toEqual([]);
      if (record.allergies.length === 0) expect(s.allergies).toMatchObject({ status: 'none-known' });
      else
        expect(
          s.allergies.status === 'available' &&
            [...s.allergies.items.map((a) => `${a.substance}|${a.criticality}`)].sort(),
        ).toEqual(record.allergies.map((a) => `${a.def.ja}|${a.criticality}`).sort());
      if (record.medications.length === 0) expect(s.medications).toMatchObject({ status: 'none-known' });
      else {
        expect(
          s.medications.status === 'available' &&
            [...s.medications.items.map((m) => `${m.japaneseName}|${m.name}|${m.dose}`)].sort(),
        ).toEqual(record.medications.map((m) => `${m.drug.ja}|${m.drug.generic}|${m.drug.dose}`).sort());
        expect(s.criticalFlags.status).toBe('complete');
      }
      expect(
        [...itemsOf(s.problems), ...itemsOf(s.pastIllness)].flatMap((c) => c.codes.map((x) => x.code)).sort(),
      ).toEqual(record.conditions.map((c) => c.def.icd10).sort());
      expect(s.insurance).toMatchObject({
        status: 'available',
        items: [{ eligible: true, kind: record.insurance.kind }],
      });
      for (const [key, loinc] of [
        ['allergies', '48765-2'],
        ['medications', '10160-0'],
      ] as const) {
        const section = s[key];
        if (section.status === 'available')
          expect(section.items.length).toBe(sectionEntryCount(bundle, loinc));
      }
    }
  });
});
