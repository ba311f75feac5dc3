import { ATC_SYSTEM, ICD10_SYSTEM, LOINC_SYSTEM } from '../../records/index.js';
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
import { YJ_OID_SYSTEM, type MedicalRecord } from './medical-record.js';

export type { FhirJson } from './bundle-parts.js';

/** An IPS Composition.section (LOINC-coded), with its narrative (required by IPS). */
const section = (
  title: string,
  loinc: string,
  display: string,
  entries: readonly Entry[],
  lines: readonly string[],
) => ({
  title,
  code: concept(loinc, LOINC_SYSTEM, display),
  text: narrative(lines),
  ...sectionBody(entries),
});

/**
 * The holder's record as a FHIR R4 IPS document Bundle: Composition first, then Patient, the records
 * service's Organization, and one resource per record. `timestamp` is when the document is assembled.
 * A record whose allergies were never sent (`allergiesSent: false`) has no allergy section at all.
 */
export const ipsBundle = (record: MedicalRecord, timestamp: string): FhirJson => {
  const { entry, nextUuid } = entryMaker(record);
  const patient = entry(patientResource(record));
  const subject = { reference: patient.fullUrl };
  const author = entry({
    resourceType: 'Organization',
    name: 'ems-gateway reference records service (synthetic)',
  });

  const sentAllergies = record.allergiesSent ? record.allergies : [];
  const allergies = sentAllergies.map((a) =>
    entry({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: clinicalStatus(ALLERGY_CLINICAL),
      verificationStatus: concept('confirmed', ALLERGY_VERIFICATION, 'Confirmed'),
      type: 'allergy',
      category: [a.def.category],
      criticality: a.criticality,
      code:
        a.def.snomed === undefined ? { text: a.def.ja } : concept(a.def.snomed, SNOMED, a.def.en, a.def.ja),
      patient: subject,
      recordedDate: a.recorded,
      recorder: { display: record.recordedBy },
      reaction: [
        { manifestation: [{ text: a.reaction }], severity: a.criticality === 'high' ? 'severe' : 'mild' },
      ],
    }),
  );
  const medications = record.medications.map((m) =>
    entry({
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationCodeableConcept: {
        // The YJ code under the JP Core OID, and the ATC code an international reader knows.
        coding: [
          { system: YJ_OID_SYSTEM, code: m.drug.yj, display: fhirString(m.drug.yjProduct) },
          { system: ATC_SYSTEM, code: m.drug.atc, display: m.drug.generic },
        ],
        text: m.drug.ja,
      },
      subject,
      // Claim-based records: effective[x] is the last dispensing date.
      effectiveDateTime: m.lastDispensed,
      informationSource: { display: m.pharmacy },
      dosage: [{ text: m.drug.dose }],
    }),
  );
  const conditions = record.conditions.map((c) =>
    entry({
      resourceType: 'Condition',
      clinicalStatus: clinicalStatus(CONDITION_CLINICAL),
      verificationStatus: concept('confirmed', CONDITION_VERIFICATION, 'Confirmed'),
      category: [concept('problem-list-item', CONDITION_CATEGORY, 'Problem List Item')],
      code: concept(c.def.icd10, ICD10_SYSTEM, c.def.en, c.def.ja),
      subject,
      onsetDateTime: c.onset,
      recordedDate: c.onset,
    }),
  );
  const procedures = record.procedures.map((p) => entry(procedureResource(p, subject)));
  const checkups = record.checkups.map((c) => entry(checkupResource(c, subject)));
  const coverage = entry(coverageResource(record, subject));

  const composition = entry({
    resourceType: 'Composition',
    status: 'final',
    type: concept('60591-5', LOINC_SYSTEM, 'Patient summary Document'),
    subject,
    date: timestamp,
    author: [{ reference: author.fullUrl }],
    title: '患者サマリー (International Patient Summary)',
    section: [
      ...(record.allergiesSent
        ? [
            section(
              'アレルギー',
              '48765-2',
              'Allergies and adverse reactions Document',
              allergies,
              sentAllergies.map((a) => a.def.ja),
            ),
          ]
        : []),
      section(
        '服薬',
        '10160-0',
        'History of Medication use Narrative',
        medications,
        record.medications.map((m) => m.drug.ja),
      ),
      section(
        '傷病名',
        '11450-4',
        'Problem list - Reported',
        conditions,
        record.conditions.map((c) => c.def.ja),
      ),
      section(
        '手術',
        '47519-4',
        'History of Procedures Document',
        procedures,
        record.procedures.map((p) => p.name),
      ),
      section(
        '健診結果',
        '30954-2',
        'Relevant diagnostic tests/laboratory data Narrative',
        checkups,
        record.checkups.map((c) => c.test.ja),
      ),
      section('保険', '48768-6', 'Payment sources Document', [coverage], [record.insurance.kind]),
    ],
  });

  return documentBundle({ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${nextUuid()}` }, timestamp, [
    composition,
    patient,
    author,
    ...allergies,
    ...medications,
    ...conditions,
    ...procedures,
    ...checkups,
    coverage,
  ]);
};
