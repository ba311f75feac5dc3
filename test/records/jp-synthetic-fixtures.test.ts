/**
 * Our own synthetic fixtures (test/fixtures/jp/, see its README) in the shapes of the published JP-CLINS,
 * JP ePrescription, eCheckupReport and HL7 IPS profiles: statuses, sources and codes, asserted from
 * what each file says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/records/index.js';
import { itemsOf, type EmergencySummary } from '../../src/summary/index.js';
import { fhirErrors } from '../support/fhir-schema.js';
import { ROOT } from '../support/paths.js';
import { summaryProblems } from '../support/summary-invariants.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(`${ROOT}test/fixtures/jp/${name}.json`, 'utf8')) as unknown;
const AS_OF = new Date('2026-03-25');
const parse = (...names: string[]): EmergencySummary => {
  const s = parseSummary(
    names.map((n) => fixture(n)),
    { asOf: AS_OF },
  );
  expect(summaryProblems(s)).toEqual([]);
  return s;
};
const codes = (items: readonly { codes: readonly { system: string; code: string }[] }[]) =>
  items.flatMap((i) => i.codes.map((c) => `${c.system}|${c.code}`));

const REFERRAL = '診療情報提供書 · みなと合成クリニック';

it('every synthetic fixture validates against the official FHIR R4 JSON schema', () => {
  const names = readdirSync(`${ROOT}test/fixtures/jp`).filter((f) => f.endsWith('.json'));
  expect(names).toHaveLength(9);
  const failures = names.flatMap((name) =>
    fhirErrors(fixture(name.replace(/\.json$/, ''))).map((e) => `${name}: ${e}`),
  );
  expect(failures).toEqual([]);
});

describe('JP-CLINS 診療情報提供書 (sections nested under 300 構造情報)', () => {
  const s = parse('clins-referral');

  it('finds every clinical section under 構造情報, with the document and issuing clinic as source', () => {
    expect(s.documents).toEqual([REFERRAL]);
    for (const key of ['allergies', 'medications', 'problems', 'pastIllness', 'infections'] as const)
      expect(s[key]).toMatchObject({ status: 'available', sources: [REFERRAL] });
    // Sections the document does not have are not sent; never "none known".
    for (const key of ['procedures', 'devices', 'advanceDirectives', 'results'] as const)
      expect(s[key]).toEqual({ status: 'unavailable', reason: 'not-sent' });
  });

  it('allergies keep J-FAGY codes, severity, reactions and the note; the refuted one is left out', () => {
    const allergies = itemsOf(s.allergies);
    expect(allergies.map((a) => a.substance).sort()).toEqual(['えび', 'ラテックス']);
    expect(allergies.find((a) => a.substance === 'えび')).toMatchObject({
      category: 'food',
      criticality: 'high',
      severity: 'severe',
      reactions: ['アナフィラキシー'],
      note: 'えびフライ摂食後30分で全身蕁麻疹と血圧低下',
      verification: 'confirmed',
      codes: [
        { system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyFoodAllergen_CS', code: 'J9FC15110000' },
      ],
    });
    expect(codes(allergies)).toContain(
      'http://jpfhir.jp/fhir/core/CodeSystem/JP_JfagyNonFoodNonMedicationAllergen_CS|J9NP14110000',
    );
    expect(allergies.map((a) => a.substance)).not.toContain('牛乳');
  });

  it('conditions keep MEDIS and the MHLW ICD-10 URI; 既往歴 is past illness, 感染症 an infection', () => {
    expect(codes(itemsOf(s.problems))).toEqual([
      'http://medis.or.jp/CodeSystem/master-disease-keyNumber|20058911',
      'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full|I209',
    ]);
    expect(itemsOf(s.pastIllness)).toMatchObject([{ name: '急性虫垂炎', clinicalStatus: 'resolved' }]);
    expect(itemsOf(s.infections)).toMatchObject([{ name: 'B型慢性肝炎', codes: [{ code: 'B181' }] }]);
  });

  it('warfarin by YJ alone flags the anticoagulant; the 一般名 amlodipine without the price list is counted unclassified', () => {
    expect(s.criticalFlags).toEqual({ status: 'incomplete', flags: ['anticoagulant'], unclassified: 1 });
    const warfarin = itemsOf(s.medications).find((m) => m.flags.includes('anticoagulant'));
    expect(warfarin?.codes).toEqual([
      {
        system: 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code',
        code: '3332001F1016',
        display: 'ワルファリンカリウム錠',
      },
    ]);
  });
});

describe('JP-CLINS 6-information collections (one resource type per Bundle)', () => {
  it('allergies: a drug allergy of a JP-CLINS profile is also a 薬剤禁忌; the Bundle identifier is the source', () => {
    const s = parse('clins-6info-allergies');
    expect(s.documents).toEqual(['1319999998^2026^AI0001']);
    expect(
      itemsOf(s.allergies)
        .map((a) => a.substance)
        .sort(),
    ).toEqual(['そば', 'ヨード造影剤']);
    expect(s.contraindications).toMatchObject({
      status: 'available',
      items: [{ substance: 'ヨード造影剤', note: '造影CT中にショック。以後ヨード造影剤禁忌' }],
    });
    // A collection of allergies says nothing about medications.
    expect(s.medications).toEqual({ status: 'unavailable', reason: 'not-sent' });
    expect(s.criticalFlags.status).toBe('unavailable');
  });

  it('prescriptions: apixaban by YJ (OID) is an anticoagulant, a stopped steroid is past, clopidogrel an antiplatelet by its code', () => {
    const s = parse('clins-6info-medications');
    const meds = itemsOf(s.medications);
    expect(meds.find((m) => m.japaneseName === 'エリキュース錠５ｍｇ')).toMatchObject({
      current: true,
      classified: true,
      flags: ['anticoagulant'],
      codes: [{ system: 'urn:oid:1.2.392.100495.20.1.73', code: '3339004F2025' }],
    });
    expect(meds.find((m) => m.japaneseName === 'プレドニゾロン錠5mg')).toMatchObject({
      current: false,
      status: 'stopped',
    });
    // 3399 mixes antiplatelets and other agents; 3399008 (digits 5–7: the ingredient) is clopidogrel.
    expect(meds.find((m) => m.codes.some((c) => c.code === '3399008F2021'))).toMatchObject({
      current: true,
      classified: true,
      flags: ['antiplatelet'],
    });
    expect(s.criticalFlags).toEqual({
      status: 'complete',
      flags: ['anticoagulant', 'antiplatelet'],
      unclassified: 0,
    });
  });
});

describe('JP ePrescription document (section 01 処方情報)', () => {
  it('the 一般名処方コード prednisolone is a systemic steroid, the HOT-only eye drop unclassified, the Coverage is insurance', () => {
    const s = parse('eprescription');
    expect(s.documents).toEqual(['処方箋 · 合成内科医院']);
    expect(s.criticalFlags).toEqual({ status: 'incomplete', flags: ['systemic-steroid'], unclassified: 1 });
    expect(codes(itemsOf(s.medications))).toContain(
      'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationGeneralOrderCode|2456001F1ZZZ',
    );
    expect(s.insurance).toMatchObject({
      status: 'available',
      items: [{ eligible: true, insurer: '全国健康保険協会' }],
    });
  });
});

describe('eCheckupReport (section 01011 特定健診検査結果)', () => {
  it('every result with its 特定健診 code, value and the checkup centre as source', () => {
    const s = parse('echeckup-report');
    expect(s.results).toMatchObject({
      status: 'available',
      sources: ['健康診断結果のお知らせ · 合成健診センター'],
    });
    expect(
      itemsOf(s.results)
        .map((r) => `${r.name}=${r.value}`)
        .sort(),
    ).toEqual(['BMI=23.7 kg/m2', '体重=55 kg', '身長=152.4 cm']);
    expect(codes(itemsOf(s.results))).toContain('urn:oid:1.2.392.200119.6.1005|9N001000000000001');
    expect(s.allergies).toEqual({ status: 'unavailable', reason: 'not-sent' });
  });
});

describe('IPS harder cases', () => {
  it('History of Past Illness is read: resolved and in-remission conditions, apart from active problems', () => {
    const s = parse('ips-past-illness');
    expect(itemsOf(s.problems).map((c) => c.name)).toEqual([
      'Type 2 diabetes mellitus without complications',
    ]);
    expect(
      itemsOf(s.pastIllness)
        .map((c) => `${c.name}|${c.clinicalStatus ?? ''}`)
        .sort(),
    ).toEqual(['Hypertensive disorder|resolved', 'Malignant neoplasm of breast, unspecified|remission']);
  });

  it('"no known X" statements are the section state, never items: no known FOOD and DRUG allergy, not "no allergy"', () => {
    const s = parse('ips-no-known');
    expect(s.allergies).toMatchObject({ status: 'none-known', noKnown: ['medication', 'food'] });
    expect(s.allergies.status === 'none-known' && s.allergies.noKnown).not.toContain('any');
    expect(s.medications).toMatchObject({ status: 'none-known' });
    expect(s.problems).toMatchObject({ status: 'none-known' });
    expect(s.criticalFlags).toEqual({ status: 'complete', flags: [], unclassified: 0 });
  });

  it('"no information" is not "none known": every such section is unavailable (not recorded)', () => {
    const s = parse('ips-no-information');
    for (const key of ['allergies', 'medications', 'problems'] as const)
      expect(s[key]).toEqual({ status: 'unavailable', reason: 'not-recorded' });
    expect(s.criticalFlags.status).toBe('unavailable');
  });

  it('a translated display (_display translation extension) gives the Japanese name; the code is kept as received', () => {
    const s = parse('ips-translations');
    expect(itemsOf(s.medications)).toMatchObject([
      {
        japaneseName: 'アピキサバン',
        name: 'apixaban',
        flags: ['anticoagulant'],
        codes: [{ system: 'http://www.whocc.no/atc', code: 'B01AF02', display: 'apixaban' }],
      },
    ]);
    expect(s.allergies).toMatchObject({ status: 'none-known' });
  });
});

describe('one patient, five Japanese bundles merged', () => {
  it('referral + two 6-information collections + e-prescription + checkup: every section from its source', () => {
    const s = parse(
      'clins-referral',
      'clins-6info-allergies',
      'clins-6info-medications',
      'eprescription',
      'echeckup-report',
    );
    expect(s.rejected).toEqual([]);
    expect(s.documents).toHaveLength(5);
    expect(
      itemsOf(s.allergies)
        .map((a) => a.substance)
        .sort(),
    ).toEqual(['えび', 'そば', 'ヨード造影剤', 'ラテックス']);
    expect(s.criticalFlags.flags).toEqual(['anticoagulant', 'antiplatelet', 'systemic-steroid']);
    expect(s.criticalFlags.status).toBe('incomplete');
    expect(s.results.status).toBe('available');
    expect(s.insurance.status).toBe('available');
  });
});
