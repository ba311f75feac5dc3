import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/records/index.js';
import {
  itemsOf,
  SECTION_KEYS,
  type Code,
  type EmergencySummary,
  type Section,
  type SectionKey,
} from '../../src/summary/index.js';
import { sharedFiles, sharedJson, sharedPresent } from '../support/shared-fixtures.js';
import { summaryProblems } from '../support/summary-invariants.js';

/**
 * Conformance on FHIR written by others: every file of ../shared/fixtures/jp (JAMI / HL7 Japan: JP-CLINS,
 * JP Core, e-prescription, checkup) and ../shared/fixtures/ips (HL7), read in place (licences: never
 * copied). Expectations come from each file's content (../shared/fixtures/jp/SOURCES.md). A file
 * holding one resource is read as a collection of that resource, built here in memory.
 */
const asBundle = (json: unknown): unknown =>
  (json as { resourceType?: string }).resourceType === 'Bundle'
    ? json
    : { resourceType: 'Bundle', type: 'collection', entry: [{ resource: json }] };

const read = (dir: 'jp' | 'ips', file: string, asOf = '2020-09-01'): EmergencySummary =>
  parseSummary([asBundle(sharedJson(dir, file))], { asOf: new Date(asOf) });

const has = (codes: readonly Code[], system: string, code: string) =>
  codes.some((c) => c.system === system && c.code === code);
const itemsAt = (s: EmergencySummary, k: SectionKey): readonly { readonly codes: readonly Code[] }[] => {
  const section: Section<{ readonly codes: readonly Code[] }> = s[k];
  return itemsOf(section);
};
const allCodes = (s: EmergencySummary): Code[] =>
  SECTION_KEYS.flatMap((k) => itemsAt(s, k).flatMap((i) => i.codes));

const JFAGY_FOOD = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS';
const JFAGY_GCM = 'http://jpfhir.jp/fhir/core/CodeSystem/GCM/JP_JfagyMedicationAllergen_CS';
const MEDIS_DISEASE = 'http://medis.or.jp/CodeSystem/master-disease-keyNumber';

describe.skipIf(!sharedPresent)('conformance: every shared fixture', () => {
  for (const dir of ['jp', 'ips'] as const)
    for (const file of sharedFiles(dir))
      it(`${dir}/${file}: read, no rule of the summary broken, something found, nothing called none-known unasked`, () => {
        const s = read(dir, file);
        expect(s.rejected).toEqual([]);
        expect(summaryProblems(s)).toEqual([]);
        expect(SECTION_KEYS.some((k) => itemsAt(s, k).length > 0) || file.includes('noentry')).toBe(true);
        // None of these files states "no known …" or nilknown.
        if (dir === 'jp') for (const k of SECTION_KEYS) expect(s[k].status).not.toBe('none-known');
      });
});

describe.skipIf(!sharedPresent)('conformance: JP-CLINS documents', () => {
  it('clins-referral-01: 3 allergies with J-FAGY codes, the drug one a contraindication; problems 3, past illness 2; no medication section', () => {
    const s = read('jp', 'clins-referral-01.json');
    const allergies = itemsOf(s.allergies);
    expect(allergies.map((a) => a.substance).sort()).toEqual(['キーウイ', 'さば', 'ヨードうがい液'].sort());
    const all = allergies.flatMap((a) => a.codes);
    expect(has(all, JFAGY_FOOD, 'J9FC11310000')).toBe(true);
    expect(has(all, JFAGY_FOOD, 'J9FA32540000')).toBe(true);
    expect(has(all, JFAGY_GCM, 'GCM2260701F1ZZZ')).toBe(true);
    expect(allergies.find((a) => a.substance === 'ヨードうがい液')).toMatchObject({
      category: 'medication',
      severity: 'severe',
      note: 'ポビドンヨード含嗽後に嘔吐と全身に発疹',
      reactions: [],
    });
    expect(itemsOf(s.contraindications).map((c) => c.substance)).toEqual(['ヨードうがい液']);
    expect(itemsOf(s.problems)).toHaveLength(3);
    expect(
      itemsOf(s.pastIllness)
        .map((c) => [c.name, c.clinicalStatus])
        .sort(),
    ).toEqual([
      ['左前腕骨折', 'resolved'],
      ['狭心症', 'resolved'],
    ]);
    expect(itemsOf(s.pastIllness).every((c) => c.codes.some((x) => x.system === MEDIS_DISEASE))).toBe(true);
    expect(s.medications).toEqual({ status: 'unavailable', reason: 'not-sent' });
    expect(s.criticalFlags.status).toBe('unavailable');
    // 520 感染症 is listed empty, without emptyReason: not recorded, never "none".
    expect(s.infections).toEqual({ status: 'unavailable', reason: 'not-recorded' });
    expect(s.allergies).toMatchObject({ sources: ['診療情報提供書 · 港診療所'] });
  });

  it('clins-referral-noentry: every listed section is not recorded, the others not sent; never none-known', () => {
    const s = read('jp', 'clins-referral-noentry.json');
    for (const k of ['allergies', 'medications', 'problems', 'pastIllness', 'infections', 'results'] as const)
      expect(s[k]).toEqual({ status: 'unavailable', reason: 'not-recorded' });
    for (const k of SECTION_KEYS) expect(s[k].status).toBe('unavailable');
    expect(s.criticalFlags).toEqual({ status: 'unavailable', flags: [], unclassified: 0 });
  });

  it('clins-pcs-01: the care-plan summary (422) gives its two conditions with MEDIS codes', () => {
    const s = read('jp', 'clins-pcs-01.json');
    expect(
      itemsOf(s.problems)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['狭心症', '高血圧'].sort());
    expect(itemsOf(s.problems).every((c) => c.codes.some((x) => x.system === MEDIS_DISEASE))).toBe(true);
  });

  it('clins-labs-collection: a collection without Composition gives its 4 results, JLAC10 codes kept', () => {
    const s = read('jp', 'clins-labs-collection.json');
    expect(itemsOf(s.results)).toHaveLength(4);
    expect(allCodes(s).some((c) => c.system === 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits')).toBe(
      true,
    );
    expect(s.allergies).toEqual({ status: 'unavailable', reason: 'not-sent' });
  });
});

describe.skipIf(!sharedPresent)('conformance: medications and the critical flags', () => {
  for (const [file, asOf] of [
    ['clins-medreq-prednisolone-yj.json', '2020-08-25'],
    ['eprescription-medreq-prednisolone-hot9.json', '2020-08-25'],
  ] as const)
    it(`${file}: prednisolone gives the systemic-steroid flag or "incomplete", never "complete, none"`, () => {
      const s = read('jp', file, asOf);
      const flags = s.criticalFlags;
      expect(itemsOf(s.medications).every((m) => m.current)).toBe(true);
      expect(flags.flags.includes('systemic-steroid') || flags.status === 'incomplete').toBe(true);
      if (!flags.flags.includes('systemic-steroid')) expect(flags.unclassified).toBe(1);
    });

  it('prednisolone YJ under the capstandard URI: the code is kept verbatim and gives the flag', () => {
    const s = read('jp', 'clins-medreq-prednisolone-yj.json', '2020-08-25');
    const [m] = itemsOf(s.medications);
    expect(has(m?.codes ?? [], 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code', '2456001F1310')).toBe(
      true,
    );
    expect(m?.flags).toContain('systemic-steroid');
  });

  it('a 7-day course that ended long before the reference date is past: no flag from it', () => {
    const s = read('jp', 'clins-medreq-prednisolone-yj.json', '2021-06-01');
    expect(itemsOf(s.medications).map((m) => m.current)).toEqual([false]);
    expect(s.criticalFlags.flags).toEqual([]);
  });

  it('quazepam coded only by the 一般名処方コード: the code travels as received', () => {
    const s = read('jp', 'clins-medreq-quazepam-generic-code.json', '2021-07-20');
    const [m] = itemsOf(s.medications);
    expect(
      has(
        m?.codes ?? [],
        'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode',
        '1124030F2ZZZ',
      ),
    ).toBe(true);
    expect(m?.japaneseName).toBe('クアゼパム錠２０ｍｇ');
  });

  it('amlodipine: HOT9 and YJ kept, no critical flag', () => {
    const s = read('jp', 'clins-medreq-amlodipine.json', '2023-10-01');
    const [m] = itemsOf(s.medications);
    expect(has(m?.codes ?? [], 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code', '2171022F6276')).toBe(
      true,
    );
    expect(s.criticalFlags.flags).toEqual([]);
  });

  it('eprescription-document-01: section 01 gives 2 medications and routes its 2 Coverage to insurance', () => {
    const s = read('jp', 'eprescription-document-01.json');
    expect(
      itemsOf(s.medications)
        .map((m) => m.japaneseName)
        .sort(),
    ).toEqual(
      expect.arrayContaining([
        expect.stringContaining('カルボシステイン'),
        expect.stringContaining('チモプトール'),
      ]),
    );
    expect(allCodes(s).some((c) => c.system === 'urn:oid:1.2.392.100495.20.1.73')).toBe(true);
    expect(itemsOf(s.insurance)).toHaveLength(2);
    expect(s.medications).toMatchObject({ sources: [expect.stringContaining('処方箋')] });
  });
});

describe.skipIf(!sharedPresent)('conformance: JP Core resources and the checkup report', () => {
  it('povidone-iodine: a drug allergy described only in note, severity severe, nullFlavor manifestation left out', () => {
    const [a] = itemsOf(read('jp', 'clins-allergy-povidone-iodine.json').allergies);
    expect(a).toMatchObject({
      category: 'medication',
      severity: 'severe',
      reactions: [],
      note: 'ポビドンヨード含嗽後に嘔吐と全身に発疹',
    });
    expect(has(a?.codes ?? [], JFAGY_GCM, 'GCM2260701F1ZZZ')).toBe(true);
  });

  it('gastric cancer: MEDIS 病名管理番号 and ICD-10 under the MHLW URI, both kept', () => {
    const [c] = itemsOf(read('jp', 'clins-condition-gastric-cancer.json').problems);
    expect(c?.name).toBe('胃癌');
    expect(has(c?.codes ?? [], MEDIS_DISEASE, '20054178')).toBe(true);
    expect(has(c?.codes ?? [], 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full', 'C169')).toBe(
      true,
    );
  });

  it('wheat: food allergy, high criticality, じん麻疹, J-FAGY code', () => {
    const [a] = itemsOf(read('jp', 'jpcore-allergy-wheat.json').allergies);
    expect(a).toMatchObject({
      category: 'food',
      criticality: 'high',
      severity: 'moderate',
      reactions: ['じん麻疹'],
    });
    expect(has(a?.codes ?? [], JFAGY_FOOD, 'J9FA15000016')).toBe(true);
  });

  it('uric acid: 3.5 mg/dL with its JLAC10 code', () => {
    const [r] = itemsOf(read('jp', 'jpcore-observation-uric-acid.json').results);
    expect(r?.value).toBe('3.5 mg/dL');
    expect(r?.codes.some((c) => c.system === 'urn:oid:1.2.392.200119.4.504')).toBe(true);
  });

  it('echeckup-report-sample-01: 44 results under the 特定健診 code system, 2 Coverage', () => {
    const s = read('jp', 'echeckup-report-sample-01.json');
    expect(itemsOf(s.results)).toHaveLength(44);
    expect(
      itemsOf(s.results).every((r) => r.codes.some((c) => c.system === 'urn:oid:1.2.392.200119.6.1005')),
    ).toBe(true);
    expect(itemsOf(s.insurance)).toHaveLength(2);
  });
});

describe.skipIf(!sharedPresent)('conformance: HL7 IPS bundle-minimal', () => {
  const s = read('ips', 'hl7-ips-bundle-minimal.json', '2016-01-01');

  it('gives the penicillin allergy, anastrozole with its codes, the problem with its clinical status', () => {
    expect(itemsOf(s.allergies)).toMatchObject([{ category: 'medication', criticality: 'high' }]);
    expect(itemsOf(s.medications)).toMatchObject([
      { name: 'anastrozole', dose: '1 tablet, 1× per day', current: true },
    ]);
    expect(has(itemsOf(s.medications)[0]?.codes ?? [], 'http://www.whocc.no/atc', 'L02BG03')).toBe(true);
    expect(itemsOf(s.problems)).toMatchObject([{ clinicalStatus: 'active' }]);
    expect(s.procedures).toEqual({ status: 'unavailable', reason: 'not-sent' });
  });

  it('keeps the patient wrapped', () => {
    expect(JSON.stringify(s)).not.toContain('DeLarosa');
    expect(s.patient.reveal().birthDate).toBe('1972-05-01');
  });
});
