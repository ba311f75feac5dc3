import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  OKUSURI_TECHO_DOCUMENT,
  YJ_SYSTEM,
  okusuriTechoBundles,
  readOkusuriTecho,
  type TechoDocument,
} from '../../../src/records/index.js';

type Json = Record<string, unknown>;
interface Entry {
  readonly fullUrl: string;
  readonly resource: Json;
}

const read = (...texts: string[]): readonly TechoDocument[] => {
  const result = readOkusuriTecho(texts.map((t) => ({ bytes: new TextEncoder().encode(t) })));
  if (!result.ok) throw new Error(result.error.code);
  return result.value;
};
const full = readFileSync(new URL('../../fixtures/okusuri-techo/full-v08.txt', import.meta.url), 'utf8');

const entries = (bundle: unknown): Entry[] => (bundle as { entry: Entry[] }).entry;
const composition = (bundle: unknown): Json => entries(bundle)[0]?.resource ?? {};
const sections = (bundle: unknown) =>
  (
    composition(bundle)['section'] as {
      code: { coding: { code: string }[] };
      entry: { reference: string }[];
    }[]
  ).map((s) => ({ code: s.code.coding[0]?.code, refs: s.entry.map((e) => e.reference) }));
const ofType = (bundle: unknown, type: string): Json[] =>
  entries(bundle)
    .map((e) => e.resource)
    .filter((r) => r['resourceType'] === type);

describe('お薬手帳 → FHIR document Bundles for the records parser', () => {
  const bundles = okusuriTechoBundles(read(full));

  it('writes one Bundle for the patient-level notes and one per dispensing, each titled お薬手帳', () => {
    expect(bundles).toHaveLength(3);
    for (const bundle of bundles) {
      expect(composition(bundle)).toMatchObject({
        resourceType: 'Composition',
        title: OKUSURI_TECHO_DOCUMENT,
      });
      expect(ofType(bundle, 'Patient')).toEqual([
        { resourceType: 'Patient', name: [{ text: '試験 花子' }], birthDate: '1944-03-15', gender: 'female' },
      ]);
    }
    // Each medication's source and date: the dispensing pharmacy is the custodian, the 調剤等年月日 the date.
    const [, first, second] = bundles;
    const custodian = (b: unknown) => {
      const ref = (composition(b)['custodian'] as { reference: string }).reference;
      return entries(b).find((e) => e.fullUrl === ref)?.resource['name'];
    };
    expect([composition(first)['date'], custodian(first)]).toEqual(['2026-10-02', '試験薬局 駅前店']);
    expect([composition(second)['date'], custodian(second)]).toEqual(['2025-01-10', '試験薬局 北口店']);
  });

  it('puts allergies and side effects in the allergies section, 既往歴 in past illness, OTC in medications, その他 nowhere', () => {
    const [patientLevel] = bundles;
    expect(sections(patientLevel).map((s) => [s.code, s.refs.length])).toEqual([
      ['48765-2', 2],
      ['11348-0', 1],
      ['10160-0', 1],
    ]);
    expect(
      ofType(patientLevel, 'AllergyIntolerance').map((a) => [a['type'], a['category'], a['code']]),
    ).toEqual([
      ['allergy', undefined, { text: 'ペニシリン系抗生物質で全身に発疹' }],
      ['intolerance', ['medication'], { text: 'ロキソプロフェンで胃痛' }],
    ]);
    expect(ofType(patientLevel, 'Condition').map((c) => c['code'])).toEqual([
      { text: '脳梗塞（２０１９年）' },
    ]);
    expect(ofType(patientLevel, 'MedicationStatement')[0]).toMatchObject({
      medicationCodeableConcept: { text: 'バファリンＡ' },
      effectivePeriod: { start: '2026-09-01', end: '2026-09-05' },
    });
    expect(JSON.stringify(bundles)).not.toContain('人工透析中');
  });

  it('writes each drug as a MedicationDispense with its code under its system, dose text and days supply', () => {
    const dispenses = ofType(bundles[1], 'MedicationDispense');
    expect(dispenses.map((d) => (d['medicationCodeableConcept'] as { coding: Json[] }).coding)).toEqual([
      [{ system: YJ_SYSTEM, code: '3339004F2025', display: 'エリキュース錠５ｍｇ' }],
      [{ system: 'urn:oid:1.2.392.100495.20.2.72', code: '3962002F2027', display: 'メトグルコ錠２５０ｍｇ' }],
      [{ system: 'urn:oid:1.2.392.100495.20.2.71', code: '620000001', display: 'デパケンＲ錠２００ｍｇ' }],
      [{ system: 'urn:oid:1.2.392.100495.20.2.74', code: '106271807', display: 'プレドニゾロン錠' }],
      [],
    ]);
    expect(dispenses[0]).toMatchObject({
      status: 'completed',
      whenHandedOver: '2026-10-02',
      daysSupply: { value: 28, code: 'd', system: 'http://unitsofmeasure.org' },
      dosageInstruction: [{ text: '2錠 １日２回朝夕食後 (28日分)' }],
    });
    // 10 回分 (as needed): the days of supply are not known.
    expect(dispenses[4]).not.toHaveProperty('daysSupply');
    expect(dispenses[4]?.['dosageInstruction']).toEqual([{ text: '1錠 胃痛時 (10回分)' }]);
  });

  it('writes no allergy section when the code says nothing about allergies (absence is not "none known")', () => {
    const [only] = okusuriTechoBundles(
      read('JAHISTC08,1\r\n5,20261001,1\r\n201,1,アムロジピン錠５ｍｇ,1,錠,1,,1'),
    );
    expect(sections(only).map((s) => s.code)).toEqual(['10160-0']);
    expect(JSON.stringify(only)).not.toContain('emptyReason');
  });

  it('turns records that could not be read into entries the Bundle does not hold, in the section they belong to', () => {
    const bundlesWithSkips = okusuriTechoBundles(
      read(
        [
          'JAHISTC08,1',
          '2,7,unknown kind,1',
          '5,20261001,1',
          '201,1,,1,錠,1,,1',
          '999,a future record',
          '201,1,アムロジピン錠５ｍｇ,1,錠,1,,1',
        ].join('\r\n'),
      ),
    );
    const dangling = (bundle: unknown) => {
      const held = new Set(entries(bundle).map((e) => e.fullUrl));
      return sections(bundle).map((s) => [s.code, s.refs.filter((r) => !held.has(r)).length]);
    };
    expect(bundlesWithSkips.map(dangling)).toEqual([[['48765-2', 1]], [['10160-0', 2]]]);
    // With no readable dispensing at all, the unplaced drug records still make medications partial.
    const orphans = okusuriTechoBundles(read('JAHISTC08,1\r\n201,1,ワーファリン錠１ｍｇ,1,錠,1,,1'));
    expect(orphans.map(dangling)).toEqual([[['10160-0', 1]]]);
  });
});
