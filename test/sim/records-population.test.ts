import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ATC_SYSTEM,
  GENERAL_NAME_CODE_SYSTEMS,
  YJ_SYSTEM,
  YJ_SYSTEMS,
  classifyDrug,
  loadDrugCatalogue,
  parseSummary,
  type DrugCatalogue,
} from '../../src/records/index.js';
import { CRITICAL_FLAGS, itemsOf } from '../../src/summary/index.js';
import { cardholder } from '../../src/sim/index.js';
import {
  ALL_DRUGS,
  GENERAL_ORDER_CODE_SYSTEM,
  HOLDER_TRAITS,
  JP_ICD10_SYSTEM,
  RECORDS_EPOCH,
  YJ_CAPSTANDARD_SYSTEM,
  YJ_OID_SYSTEM,
  ageAt,
  findHolders,
  holderTraits,
  ipsBundle,
  jpClinsBundle,
  medicalRecord,
  recordBundle,
  type MedicalRecord,
} from '../../src/sim/records/index.js';
import { fhirErrors } from '../support/fhir-schema.js';
import { ROOT } from '../support/paths.js';
import { sectionEntryCount, summaryProblems } from '../support/summary-invariants.js';

const PRICE_LIST = `${ROOT}../shared/data/mhlw-price-list/20250716.csv`;
const AT = '2026-04-01T09:00:00+09:00';

const HOLDERS = 300;
/**
 * Curated drugs whose 薬効分類 mixes classes (2171, 1190) and whose ingredient carries no flag: the code
 * alone is not enough (a critical ingredient of a mixed category is known by its ingredient code).
 */
const MIXED_CURATED = ['amlodipine', 'donepezil'];
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
      const byYj = classifyDrug({ codings: [{ system: YJ_SYSTEM, code: drug.yj }], names: [] });
      expect(byAtc.classified).toBe(true);
      if (byYj.classified) expect(byYj.flags).toEqual(byAtc.flags);
      else mixed.push(drug.generic);
    }
    // Mixed categories need the ingredient, from the price list (test/records/drug-price-list.test.ts).
    expect(mixed.sort()).toEqual(MIXED_CURATED);
  });
});

describe('the curated drugs’ Japanese codes', () => {
  it('are under system URIs the records parser classifies', () => {
    expect(YJ_SYSTEMS).toContain(YJ_CAPSTANDARD_SYSTEM);
    expect(YJ_SYSTEMS).toContain(YJ_OID_SYSTEM);
    expect(GENERAL_NAME_CODE_SYSTEMS).toContain(GENERAL_ORDER_CODE_SYSTEM);
    for (const drug of ALL_DRUGS) {
      expect(drug.yj.slice(0, 4)).toBe(drug.yjClass);
      if (drug.generalCode !== undefined) expect(drug.generalCode).toBe(`${drug.yj.slice(0, 9)}ZZZ`);
    }
  });

  it.skipIf(!existsSync(PRICE_LIST))(
    'are real: every YJ code is a listed product of that name, every 一般名処方コード names listed generics',
    () => {
      const loaded = loadDrugCatalogue(PRICE_LIST);
      if (!loaded.ok) throw new Error(loaded.error.message);
      // 一般名処方 is for drugs with generics: a listed 後発品 (後発品 or ★), or a unified-name listing (統一名収載, no maker).
      const rows = readFileSync(PRICE_LIST, 'utf8')
        .split('\n')
        .map((line) => line.split(','));
      const genericPrefixes = new Set(
        rows
          .filter((r) => r[9] === '後発品' || r[9] === '★' || r[8] === '')
          .map((r) => (r[1] ?? '').slice(0, 9)),
      );
      for (const drug of ALL_DRUGS) {
        expect(loaded.value.byCode.get(drug.yj)?.name, drug.generic).toBe(drug.yjProduct);
        if (drug.generalCode !== undefined)
          expect(genericPrefixes.has(drug.generalCode.slice(0, 9)), drug.generic).toBe(true);
      }
    },
  );
});

/** The price list when ../shared is present (CI always has it): mixed 薬効分類 need the ingredient. */
const catalogue = (): DrugCatalogue | undefined => {
  if (!existsSync(PRICE_LIST)) return undefined;
  const loaded = loadDrugCatalogue(PRICE_LIST);
  return loaded.ok ? loaded.value : undefined;
};

const conditionCode = (record: MedicalRecord, icd10: string): string =>
  record.shape === 'jp-clins' ? icd10.replace('.', '') : icd10;

describe('records-sim bundles, IPS and JP-CLINS', () => {
  it('validate against the official FHIR R4 JSON schema in both shapes, for 120 holders of two seeds', () => {
    const sample = [...records.slice(0, 60), ...Array.from({ length: 60 }, (_, i) => medicalRecord(42, i))];
    // Every other holder in each shape: 60 IPS and 60 JP-CLINS documents.
    const failures = sample.flatMap((r, i) => {
      const errors = fhirErrors(i % 2 === 0 ? ipsBundle(r, AT) : jpClinsBundle(r, AT));
      return errors.length === 0 ? [] : [`holder ${i}: ${errors.slice(0, 3).join('; ')}`];
    });
    expect(failures).toEqual([]);
  }, 120_000);

  it('the population holds both shapes, holders without an allergy section, and YJ-only anticoagulants', () => {
    const shapes = records.map((r) => r.shape);
    expect(shapes.filter((s) => s === 'jp-clins').length).toBeGreaterThan(HOLDERS * 0.35);
    expect(shapes.filter((s) => s === 'ips').length).toBeGreaterThan(HOLDERS * 0.35);
    // The demo population (seed 1, 1000 holders) has every trait a test may ask for, in both shapes.
    for (const trait of HOLDER_TRAITS) expect(findHolders(1, 1000, [trait]).length, trait).toBeGreaterThan(0);
    for (const shape of ['ips', 'jp-clins'] as const)
      expect(findHolders(1, 1000, [shape, 'allergies-not-sent']).length).toBeGreaterThan(0);
  });

  it('a holder found by a trait has it in the bundle the service sends', () => {
    const [noAllergies] = findHolders(1, 1000, ['jp-clins', 'allergies-not-sent']);
    const [yjOnly] = findHolders(1, 1000, ['anticoagulant-yj-only']);
    if (noAllergies === undefined || yjOnly === undefined) throw new Error('trait missing');
    const a = medicalRecord(1, noAllergies);
    expect(a.status).toBe('active');
    const bundleText = JSON.stringify(recordBundle(a, AT));
    expect(bundleText).not.toContain('"AllergyIntolerance"');
    expect(bundleText).not.toContain('"510"');
    expect(parseSummary([recordBundle(a, AT)]).allergies).toEqual({
      status: 'unavailable',
      reason: 'not-sent',
    });

    // No ATC anywhere, no drug catalogue: the anticoagulant flag comes from the Japanese code alone.
    const b = medicalRecord(1, yjOnly);
    const bundle = recordBundle(b, AT);
    expect(JSON.stringify(bundle)).not.toContain(ATC_SYSTEM);
    const s = parseSummary([bundle]);
    expect(s.criticalFlags.flags).toContain('anticoagulant');
    const anticoagulant = itemsOf(s.medications).find((m) => m.flags.includes('anticoagulant'));
    expect(anticoagulant?.codes.map((c) => c.system)).toEqual([
      expect.stringMatching(
        /^(http:\/\/capstandard\.jp\/iyaku\.info\/CodeSystem\/YJ-code|urn:oid:1\.2\.392\.100495\.20\.1\.73)$/,
      ),
    ]);
    expect(holderTraits(b).has('jp-clins')).toBe(true);
  });

  it('parse back into the same allergies, medications (with flags), conditions and insurance', () => {
    const drugs = catalogue();
    for (const record of records) {
      const bundle = recordBundle(record, AT);
      const s = parseSummary([bundle], {
        asOf: new Date('2026-04-01'),
        ...(drugs === undefined ? {} : { catalogue: drugs }),
      });
      expect(summaryProblems(s)).toEqual([]);
      if (!record.allergiesSent) expect(s.allergies).toEqual({ status: 'unavailable', reason: 'not-sent' });
      else if (record.allergies.length === 0) expect(s.allergies).toMatchObject({ status: 'none-known' });
      else
        expect(
          s.allergies.status === 'available' &&
            [...s.allergies.items.map((a) => `${a.substance}|${a.criticality}`)].sort(),
        ).toEqual(record.allergies.map((a) => `${a.def.ja}|${a.criticality}`).sort());
      if (record.shape === 'jp-clins')
        for (const a of itemsOf(s.allergies))
          if (a.category === 'food')
            expect(a.codes.map((c) => c.system)).toContain(
              'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS',
            );
      if (record.medications.length === 0) expect(s.medications).toMatchObject({ status: 'none-known' });
      else {
        expect(
          s.medications.status === 'available' &&
            [...s.medications.items.map((m) => `${m.japaneseName}|${m.dose}`)].sort(),
        ).toEqual(record.medications.map((m) => `${m.drug.ja}|${m.drug.dose}`).sort());
        // Japanese codes only: every drug classified with the price list (mixed 薬効分類 by ingredient).
        if (drugs !== undefined || record.shape === 'ips') expect(s.criticalFlags.status).toBe('complete');
        const expected = new Set(
          record.medications.flatMap(
            (m) => classifyDrug({ codings: [{ system: ATC_SYSTEM, code: m.drug.atc }], names: [] }).flags,
          ),
        );
        for (const flag of expected) expect(s.criticalFlags.flags).toContain(flag);
      }
      const conditionSystem =
        record.shape === 'jp-clins' ? JP_ICD10_SYSTEM : 'http://hl7.org/fhir/sid/icd-10';
      expect(
        [...itemsOf(s.problems), ...itemsOf(s.pastIllness)]
          .flatMap((c) => c.codes.filter((x) => x.system === conditionSystem).map((x) => x.code))
          .sort(),
      ).toEqual(record.conditions.map((c) => conditionCode(record, c.def.icd10)).sort());
      expect(s.insurance).toMatchObject({
        status: 'available',
        items: [{ eligible: true, kind: record.insurance.kind }],
      });
      if (record.shape === 'ips')
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
