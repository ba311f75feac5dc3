import type { CodeableConcept } from './fhir.js';
import { LOINC_SYSTEM } from './fhir-text.js';
import type { SectionKey } from '../summary/index.js';

/**
 * Composition.section.code → summary section, for the section code systems in use in Japan and the
 * IPS. A section whose code is not listed is not one of ours (e.g. 家族歴, 紹介目的): its resources are
 * still read by resource type, but it does not make a section "present". Sources: IPS Composition
 * profile slices (LOINC); JP-CLINS CodeSystem document-section v1.3.0; JP ePrescription
 * prescription-section; eCheckupReport section-code.
 */
export const CLINS_SECTION_SYSTEM = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
/** The eDischargeSummary / eReferral IGs used their own URI for the same codes before JP-CLINS. */
const EDS_SECTION_SYSTEM = 'http://jpfhir.jp/fhir/eDischargeSummary/CodeSystem/document-section';
const EREFERRAL_SECTION_SYSTEM = 'http://jpfhir.jp/fhir/eReferral/CodeSystem/document-section';
export const EPRESCRIPTION_SECTION_SYSTEM =
  'http://jpfhir.jp/fhir/ePrescription/CodeSystem/prescription-section';
export const ECHECKUP_SECTION_SYSTEM = 'http://jpfhir.jp/fhir/eCheckup/CodeSystem/section-code';

const IPS_SECTIONS: Readonly<Record<string, SectionKey>> = {
  '48765-2': 'allergies', // Allergies and adverse reactions
  '10160-0': 'medications', // History of medication use
  '11450-4': 'problems', // Problem list
  '11348-0': 'pastIllness', // History of past illness
  '47519-4': 'procedures', // History of procedures
  '46264-8': 'devices', // History of medical device use
  '30954-2': 'results', // Relevant diagnostic tests/laboratory data
  '42348-3': 'advanceDirectives', // Advance directives
  '10162-6': 'pregnancy', // History of pregnancies
  '48768-6': 'insurance', // Payment sources
};

const CLINS_SECTIONS: Readonly<Record<string, SectionKey>> = {
  '340': 'problems', // 傷病名・主訴
  '342': 'problems', // 入院時診断
  '344': 'problems', // 退院時診断
  '352': 'problems', // 主訴
  '360': 'problems', // 現病歴
  '370': 'pastIllness', // 既往歴
  '410': 'advanceDirectives', // 事前指示
  '430': 'medications', // 投薬指示
  '432': 'medications', // 入院時服薬
  '444': 'medications', // 退院時投薬指示
  '510': 'allergies', // アレルギー・不耐性反応 (drug contraindications too: see contraindications)
  '520': 'infections', // 感染症情報
  '610': 'results', // 身体所見
  '612': 'results', // 入院時身体所見
  '614': 'results', // 退院時身体所見
  '620': 'results', // 検査結果
  '623': 'results', // 入院中検査結果
  '713': 'procedures', // 入院中治療
  '720': 'procedures', // 処置
  '730': 'procedures', // 手術
  '810': 'devices', // 医療機器
};

/** Per section code system, the section a code names. */
const BY_SYSTEM: Readonly<Record<string, (code: string) => SectionKey | undefined>> = {
  [LOINC_SYSTEM]: (code) => IPS_SECTIONS[code],
  [CLINS_SECTION_SYSTEM]: (code) => CLINS_SECTIONS[code],
  [EDS_SECTION_SYSTEM]: (code) => CLINS_SECTIONS[code],
  [EREFERRAL_SECTION_SYSTEM]: (code) => CLINS_SECTIONS[code],
  // 01 処方情報 (the prescription; Coverage entries in it are routed to insurance by type).
  [EPRESCRIPTION_SECTION_SYSTEM]: (code) => (code === '01' ? 'medications' : undefined),
  // 01010 特定健診, 01011 健診, 01012 問診結果 …: every checkup section holds results.
  [ECHECKUP_SECTION_SYSTEM]: () => 'results',
};

/** The section a Composition.section.code names, if it is one of ours. */
export const sectionKeyOf = (code: CodeableConcept | undefined): SectionKey | undefined => {
  for (const coding of code?.coding ?? []) {
    if (coding.code === undefined || coding.system === undefined) continue;
    const key = BY_SYSTEM[coding.system]?.(coding.code);
    if (key !== undefined) return key;
  }
  return undefined;
};
