import {
  ALLERGY_CLINICAL,
  ALLERGY_VERIFICATION,
  CONDITION_CATEGORY,
  CONDITION_CLINICAL,
  CONDITION_VERIFICATION,
  SNOMED,
  checkupResource,
  clinicalStatus,
  concept,
  coverageResource,
  documentBundle,
  entryMaker,
  fhirString,
  narrative,
  patientResource,
  procedureResource,
  sectionBody,
  type Entry,
  type FhirJson,
} from './bundle-parts.js';
import type { MedicalRecord, SyntheticAllergy } from './medical-record.js';

/**
 * The holder's record in the shape of a JP-CLINS 診療情報提供書 (eReferral) document, as the JP-CLINS IG
 * (電子カルテ情報共有サービス) defines it: Composition type 57133-1 (doc-typecodes), the 紹介元情報
 * section at the top, the clinical sections nested under 300 構造情報 and coded with the JP-CLINS
 * document-section CodeSystem; medications as JP_MedicationRequest_eCS coded only with Japanese drug
 * codes (YJ or 一般名処方コード, never ATC); conditions with ICD-10 under the MHLW URI (codes without
 * the dot, as in the JP-CLINS examples); allergies with J-FAGY codes where the allergen has one.
 */
const CLINS_SECTION = 'http://jpfhir.jp/fhir/clins/CodeSystem/document-section';
const DOC_TYPE = 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes';
export const JP_ICD10_SYSTEM = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full';
const BUNDLE_IDENTIFIER = 'http://jpfhir.jp/fhir/clins/bundle-identifier';

const clinsSection = (code: string, title: string, entries: readonly Entry[], lines: readonly string[]) => ({
  title,
  code: concept(code, CLINS_SECTION, `${title}セクション`),
  text: narrative(lines),
  ...sectionBody(entries),
});

/** J-FAGY first where the allergen is in it, SNOMED CT where certain, the Japanese name always. */
const allergenCode = (a: SyntheticAllergy) => ({
  coding: [
    ...(a.def.jfagy === undefined ? [] : [a.def.jfagy]),
    ...(a.def.snomed === undefined ? [] : [{ system: SNOMED, code: a.def.snomed, display: a.def.en }]),
  ],
  text: a.def.ja,
});

export const jpClinsBundle = (record: MedicalRecord, timestamp: string): FhirJson => {
  const { entry, nextUuid } = entryMaker(record);
  const patient = entry(patientResource(record));
  const subject = { reference: patient.fullUrl };
  const hospital = entry({ resourceType: 'Organization', name: record.recordedBy });

  const sentAllergies = record.allergiesSent ? record.allergies : [];
  const allergies = sentAllergies.map((a) =>
    entry({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: clinicalStatus(ALLERGY_CLINICAL),
      verificationStatus: concept('confirmed', ALLERGY_VERIFICATION, 'Confirmed'),
      type: 'allergy',
      category: [a.def.category],
      criticality: a.criticality,
      code: allergenCode(a),
      patient: subject,
      recordedDate: a.recorded,
      reaction: [
        { manifestation: [{ text: a.reaction }], severity: a.criticality === 'high' ? 'severe' : 'mild' },
      ],
    }),
  );
  // No days' supply: the population is dated from a fixed day, so a supply period would make every
  // prescription "past" on a later run day; without it the reader counts it current (docs/records.md).
  const medications = record.medications.map((m) =>
    entry({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: {
        coding: [{ ...m.jpCode, display: fhirString(m.jpCode.display) }],
        text: m.drug.ja,
      },
      subject,
      authoredOn: m.lastDispensed,
      requester: { display: record.recordedBy },
      dosageInstruction: [{ text: m.drug.dose }],
    }),
  );
  const conditions = record.conditions.map((c) =>
    entry({
      resourceType: 'Condition',
      clinicalStatus: clinicalStatus(CONDITION_CLINICAL),
      verificationStatus: concept('confirmed', CONDITION_VERIFICATION, 'Confirmed'),
      category: [concept('problem-list-item', CONDITION_CATEGORY, 'Problem List Item')],
      code: concept(c.def.icd10.replace('.', ''), JP_ICD10_SYSTEM, c.def.ja, c.def.ja),
      subject,
      onsetDateTime: c.onset,
      recordedDate: c.onset,
    }),
  );
  const procedures = record.procedures.map((p) => entry(procedureResource(p, subject)));
  const checkups = record.checkups.map((c) => entry(checkupResource(c, subject)));
  // No JP-CLINS section lists insurance: the Coverage travels unlisted and is read by its type.
  const coverage = entry(coverageResource(record, subject));

  const structured = [
    clinsSection(
      '340',
      '傷病名・主訴',
      conditions,
      record.conditions.map((c) => c.def.ja),
    ),
    ...(record.allergiesSent
      ? [
          clinsSection(
            '510',
            'アレルギー・不耐性反応',
            allergies,
            sentAllergies.map((a) => a.def.ja),
          ),
        ]
      : []),
    clinsSection(
      '430',
      '投薬指示',
      medications,
      record.medications.map((m) => m.drug.ja),
    ),
    clinsSection(
      '730',
      '手術',
      procedures,
      record.procedures.map((p) => p.name),
    ),
    clinsSection(
      '620',
      '検査結果',
      checkups,
      record.checkups.map((c) => c.test.ja),
    ),
  ];
  const composition = entry({
    resourceType: 'Composition',
    status: 'final',
    type: concept('57133-1', DOC_TYPE, '診療情報提供書'),
    subject,
    date: timestamp,
    author: [{ reference: hospital.fullUrl }],
    custodian: { reference: hospital.fullUrl },
    title: '診療情報提供書',
    section: [
      {
        title: '紹介元情報',
        code: concept('920', CLINS_SECTION, '紹介元情報セクション'),
        text: narrative([record.recordedBy]),
        entry: [{ reference: hospital.fullUrl }],
      },
      {
        title: '構造情報',
        code: concept('300', CLINS_SECTION, '構造情報セクション'),
        section: structured,
      },
    ],
  });

  return documentBundle({ system: BUNDLE_IDENTIFIER, value: `urn:uuid:${nextUuid()}` }, timestamp, [
    composition,
    patient,
    hospital,
    ...conditions,
    ...allergies,
    ...medications,
    ...procedures,
    ...checkups,
    coverage,
  ]);
};
