import { LOINC_SYSTEM } from '../../records/index.js';
import { SeededRandom } from '../random.js';
import type { MedicalRecord } from './medical-record.js';

/** A FHIR resource as JSON. */
export type FhirJson = Record<string, unknown>;

export const SNOMED = 'http://snomed.info/sct';
export const UCUM = 'http://unitsofmeasure.org';
export const LIST_EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';

export interface Entry {
  readonly fullUrl: string;
  readonly resource: FhirJson;
}

/** RFC 4122 version 4 layout from seeded bytes: stable ids for the same holder. */
export const uuid = (rng: SeededRandom): string => {
  const b = rng.bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

export const concept = (code: string, system: string, display: string, text?: string) => ({
  coding: [{ system, code, display }],
  ...(text === undefined ? {} : { text }),
});

/** FHIR string values match ^[ \r\n\t\S]+$, which refuses U+3000: the price list's names use it. */
export const fhirString = (s: string): string => s.replaceAll('\u3000', ' ');

const escapeXml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** Composition.section.text: the list, or なし when the source knows of nothing. */
export const narrative = (lines: readonly string[]) => ({
  status: 'generated',
  div:
    lines.length === 0
      ? `<div xmlns="http://www.w3.org/1999/xhtml">なし (none known)</div>`
      : `<div xmlns="http://www.w3.org/1999/xhtml"><ul>${lines.map((l) => `<li>${escapeXml(l)}</li>`).join('')}</ul></div>`,
});

/** Section entries, or emptyReason nilknown when the source records nothing of the kind. */
export const sectionBody = (entries: readonly Entry[]) =>
  entries.length === 0
    ? { emptyReason: concept('nilknown', LIST_EMPTY_REASON, 'Nil Known') }
    : { entry: entries.map((e) => ({ reference: e.fullUrl })) };

/** Seeded ids per holder: the same record gives the same Bundle in every process. */
export const entryMaker = (record: MedicalRecord) => {
  const ids = new SeededRandom(record.holder.seed).fork(`holder:${record.holder.index}`).fork('fhir-ids');
  return {
    entry: (resource: FhirJson): Entry => {
      const id = uuid(ids);
      return { fullUrl: `urn:uuid:${id}`, resource: { ...resource, id } };
    },
    nextUuid: () => uuid(ids),
  };
};

/** JP Core Patient: the kanji name, and the kana reading as a second name (iso21090 SYL). */
export const patientResource = (record: MedicalRecord): FhirJson => {
  const h = record.holder;
  // HumanName.text uses an ASCII space: the FHIR string pattern ^[ \r\n\t\S]+$ refuses U+3000.
  return {
    resourceType: 'Patient',
    name: [
      {
        use: 'official',
        text: `${h.family.kanji} ${h.given.kanji}`,
        family: h.family.kanji,
        given: [h.given.kanji],
      },
      {
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
  };
};

export const coverageResource = (record: MedicalRecord, subject: { reference: string }): FhirJson => ({
  resourceType: 'Coverage',
  status: 'active',
  type: { text: record.insurance.kind },
  beneficiary: subject,
  payor: [{ display: record.insurance.insurer }],
  period: { start: record.insurance.start },
});

export const procedureResource = (
  p: MedicalRecord['procedures'][number],
  subject: { reference: string },
): FhirJson => ({
  resourceType: 'Procedure',
  status: 'completed',
  code: { text: p.name },
  subject,
  performedDateTime: p.performed,
});

export const checkupResource = (
  c: MedicalRecord['checkups'][number],
  subject: { reference: string },
): FhirJson => ({
  resourceType: 'Observation',
  status: 'final',
  category: [
    concept('laboratory', 'http://terminology.hl7.org/CodeSystem/observation-category', 'Laboratory'),
  ],
  code: concept(c.test.loinc, LOINC_SYSTEM, c.test.display, c.test.ja),
  subject,
  effectiveDateTime: c.date,
  valueQuantity: { value: c.value, unit: c.test.unit, system: UCUM, code: c.test.unit },
});

export const clinicalStatus = (system: string) => concept('active', system, 'Active');
export const ALLERGY_CLINICAL = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
export const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
export const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
export const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
export const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';

/** The Bundle around its entries, Composition first (FHIR document rule). */
export const documentBundle = (
  identifier: { system: string; value: string },
  timestamp: string,
  entries: readonly Entry[],
): FhirJson => ({
  resourceType: 'Bundle',
  identifier,
  type: 'document',
  timestamp,
  entry: entries.map((e) => ({ fullUrl: e.fullUrl, resource: e.resource })),
});
