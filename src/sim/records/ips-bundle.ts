import { ATC_SYSTEM, ICD10_SYSTEM, LOINC_SYSTEM, YJ_SYSTEM } from '../../records/index.js';
import { SeededRandom } from '../random.js';
import type { MedicalRecord } from './medical-record.js';

/** A FHIR resource as JSON. */
export type FhirJson = Record<string, unknown>;

const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const LIST_EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';

/** RFC 4122 version 4 layout from seeded bytes: stable ids for the same holder. */
const uuid = (rng: SeededRandom): string => {
  const b = rng.bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

const concept = (code: string, system: string, display: string, text?: string) => ({
  coding: [{ system, code, display }],
  ...(text === undefined ? {} : { text }),
});

interface Entry {
  readonly fullUrl: string;
  readonly resource: FhirJson;
}

const escapeXml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Composition.section with its narrative (required by IPS), or emptyReason nilknown when there is nothing. */
const section = (
  title: string,
  loinc: string,
  display: string,
  entries: readonly Entry[],
  lines: readonly string[],
) => ({
  title,
  code: concept(loinc, LOINC_SYSTEM, display),
  text: {
    status: 'generated',
    div:
      lines.length === 0
        ? `<div xmlns="http://www.w3.org/1999/xhtml">なし (none known)</div>`
        : `<div xmlns="http://www.w3.org/1999/xhtml"><ul>${lines.map((l) => `<li>${escapeXml(l)}</li>`).join('')}</ul></div>`,
  },
  ...(entries.length === 0
    ? { emptyReason: concept('nilknown', LIST_EMPTY_REASON, 'Nil Known') }
    : { entry: entries.map((e) => ({ reference: e.fullUrl })) }),
});

/**
 * The holder's record as a FHIR R4 IPS document Bundle: Composition first, then Patient, the records
 * service's Organization, and one resource per record. `timestamp` is when the document is assembled.
 */
export const ipsBundle = (record: MedicalRecord, timestamp: string): FhirJson => {
  const ids = new SeededRandom(record.holder.seed).fork(`holder:${record.holder.index}`).fork('fhir-ids');
  const entry = (resource: FhirJson): Entry => {
    const id = uuid(ids);
    return { fullUrl: `urn:uuid:${id}`, resource: { ...resource, id } };
  };
  const h = record.holder;
  // HumanName.text uses an ASCII space: the FHIR string pattern ^[ \r\n\t\S]+$ refuses U+3000.
  const patient = entry({
    resourceType: 'Patient',
    name: [
      {
        use: 'official',
        text: `${h.family.kanji} ${h.given.kanji}`,
        family: h.family.kanji,
        given: [h.given.kanji],
      },
      {
        // JP Core: the kana reading as a second name with the iso21090 representation SYL.
        extension: [
          { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' },
        ],
        use: 'official',
        text: `${h.family.kana} ${h.given.kana}`,
        family: h.family.kana,
        given: [h.given.kana],
      },
    ],
    gender: h.sex,
    birthDate: h.birthDate,
  });
  const subject = { reference: patient.fullUrl };
  const author = entry({
    resourceType: 'Organization',
    name: 'ems-gateway reference records service (synthetic)',
  });

  const allergies = record.allergies.map((a) =>
    entry({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: concept(
        'active',
        'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
        'Active',
      ),
      verificationStatus: concept(
        'confirmed',
        'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
        'Confirmed',
      ),
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
        // YJ first where the population has a real one (JP Core names the system by this OID).
        coding: [
          ...(m.drug.yj === undefined ? [] : [{ system: YJ_SYSTEM, code: m.drug.yj, display: m.drug.ja }]),
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
      clinicalStatus: concept('active', 'http://terminology.hl7.org/CodeSystem/condition-clinical', 'Active'),
      verificationStatus: concept(
        'confirmed',
        'http://terminology.hl7.org/CodeSystem/condition-ver-status',
        'Confirmed',
      ),
      category: [
        concept(
          'problem-list-item',
          'http://terminology.hl7.org/CodeSystem/condition-category',
          'Problem List Item',
        ),
      ],
      code: concept(c.def.icd10, ICD10_SYSTEM, c.def.en, c.def.ja),
      subject,
      onsetDateTime: c.onset,
      recordedDate: c.onset,
    }),
  );
  const procedures = record.procedures.map((p) =>
    entry({
      resourceType: 'Procedure',
      status: 'completed',
      code: { text: p.name },
      subject,
      performedDateTime: p.performed,
    }),
  );
  const checkups = record.checkups.map((c) =>
    entry({
      resourceType: 'Observation',
      status: 'final',
      category: [
        concept('laboratory', 'http://terminology.hl7.org/CodeSystem/observation-category', 'Laboratory'),
      ],
      code: concept(c.test.loinc, LOINC_SYSTEM, c.test.display, c.test.ja),
      subject,
      effectiveDateTime: c.date,
      valueQuantity: { value: c.value, unit: c.test.unit, system: UCUM, code: c.test.unit },
    }),
  );
  const coverage = entry({
    resourceType: 'Coverage',
    status: 'active',
    type: { text: record.insurance.kind },
    beneficiary: subject,
    payor: [{ display: record.insurance.insurer }],
    period: { start: record.insurance.start },
  });

  const composition = entry({
    resourceType: 'Composition',
    status: 'final',
    type: concept('60591-5', LOINC_SYSTEM, 'Patient summary Document'),
    subject,
    date: timestamp,
    author: [{ reference: author.fullUrl }],
    title: '患者サマリー (International Patient Summary)',
    section: [
      section(
        'アレルギー',
        '48765-2',
        'Allergies and adverse reactions Document',
        allergies,
        record.allergies.map((a) => a.def.ja),
      ),
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

  const ordered = [
    composition,
    patient,
    author,
    ...allergies,
    ...medications,
    ...conditions,
    ...procedures,
    ...checkups,
    coverage,
  ];
  return {
    resourceType: 'Bundle',
    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${uuid(ids)}` },
    type: 'document',
    timestamp,
    entry: ordered.map((e) => ({ fullUrl: e.fullUrl, resource: e.resource })),
  };
};
