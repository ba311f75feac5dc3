import { describe, expect, it } from 'vitest';
import {
  ATC_SYSTEM,
  YJ_SYSTEM,
  YJ_SYSTEMS,
  classifyDrug,
  classifyMedication,
} from '../../src/records/index.js';

const atc = (code: string) => ({ system: ATC_SYSTEM, code });
const yj = (code: string) => ({ system: YJ_SYSTEM, code });

describe('critical medication flags from the drug-class table', () => {
  it.each([
    ['B01AA03', 'anticoagulant'], // warfarin
    ['B01AF02', 'anticoagulant'], // apixaban
    ['B01AE07', 'anticoagulant'], // dabigatran
    ['B01AC06', 'antiplatelet'], // low-dose aspirin
    ['B01AC04', 'antiplatelet'], // clopidogrel
    ['A10AE04', 'insulin'], // insulin glargine
    ['A10BA02', 'glucose-lowering'], // metformin
    ['H02AB06', 'systemic-steroid'], // prednisolone
    ['N03AX14', 'antiepileptic'], // levetiracetam
    ['N02AA05', 'opioid'], // oxycodone
    ['R05DA04', 'opioid'], // codeine
    ['L04AD02', 'immunosuppressant'], // tacrolimus
  ] as const)('ATC %s → %s', (code, flag) => {
    expect(classifyMedication([atc(code)])).toEqual([flag]);
  });

  it.each([
    ['2456001F1310', 'systemic-steroid'], // prednisolone 5 mg tablet (薬効分類 2456)
    ['3332001F1', 'anticoagulant'], // 薬効分類 3332 warfarin
    ['2492', 'insulin'],
    ['3969', 'glucose-lowering'],
    ['1139', 'antiepileptic'],
    ['8119', 'opioid'],
    ['8219', 'opioid'],
  ] as const)('YJ %s → %s', (code, flag) => {
    expect(classifyMedication([yj(code)])).toEqual([flag]);
  });

  it('flags nothing for ordinary drugs, topical steroids (YJ 264) or codes of other systems', () => {
    expect(classifyMedication([atc('C08CA01')])).toEqual([]); // amlodipine
    expect(classifyMedication([atc('N02BE01')])).toEqual([]); // paracetamol
    expect(classifyMedication([yj('2646')])).toEqual([]);
    expect(classifyMedication([{ system: 'http://snomed.info/sct', code: 'B01AA03' }])).toEqual([]);
    expect(classifyMedication([{ system: ATC_SYSTEM }])).toEqual([]);
  });

  it('gives each flag once, in the crew order, for a combination product and repeated codings', () => {
    expect(classifyMedication([atc('N02AA05'), atc('B01AC06'), yj('8119'), atc('B01AF01')])).toEqual([
      'anticoagulant',
      'antiplatelet',
      'opioid',
    ]);
  });

  it('ignores case and spaces in codes', () => {
    expect(classifyMedication([atc(' b01af01 ')])).toEqual(['anticoagulant']);
  });
});

describe('classifyDrug', () => {
  const drug = (codings: { system: string; code: string }[], names: string[] = []) => ({ codings, names });

  it('reads YJ codes under every system URI in use', () => {
    for (const system of YJ_SYSTEMS) {
      expect(classifyDrug(drug([{ system, code: '3332001F1' }]))).toEqual({
        classified: true,
        flags: ['anticoagulant'],
        basis: 'yj:3332',
      });
    }
  });

  it('leaves a drug unclassified when its category mixes classes or its system is unknown', () => {
    expect(classifyDrug(drug([yj('3399007H1')])).classified).toBe(false);
    expect(classifyDrug(drug([{ system: 'urn:example', code: '3332001F1' }])).classified).toBe(false);
    expect(classifyDrug(drug([])).classified).toBe(false);
  });

  it('classifies a known ordinary drug as classified with no flags', () => {
    expect(classifyDrug(drug([atc('C08CA01')]))).toEqual({ classified: true, flags: [], basis: 'atc:C08CA' });
  });
});
