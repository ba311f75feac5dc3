import { createHash } from 'node:crypto';
import type { BoardReport, ReportBody } from '../../hospital-feed/index.js';
import { attachmentEntries, type ExportedAttachment } from './fhir-attachments.js';
import { summaryEntries } from './fhir-summary.js';
import { fhirAssuranceLevel, statedAssurance, type StatedAssurance } from '../../summary/index.js';

/**
 * A report as a FHIR R4 Bundle of type `collection` for the hospital's record system: Patient,
 * Encounter, an Observation per vital sign per observation time, and the records summary: a
 * Composition with every section's status and one resource per item, codes as received
 * (fhir-summary.ts). Pure: the same report gives the same bundle.
 *
 * The Patient is minimal on purpose (`active` and how it was identified): the report carries no name,
 * birth date or identifier, and the export adds none (age is an Observation, not an invented birth date). JCS and GCS are exported as
 * entered, each in its own Observation; nothing is converted from one to the other.
 */

type Vitals = ReportBody['atmist']['signs'][number];
type Json = Record<string, unknown>;

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const VITAL_SIGNS = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
      code: 'vital-signs',
      display: 'Vital Signs',
    },
  ],
};

/** A stable urn:uuid per (report, resource), so a re-export names the same resources. */
const uuidOf = (seed: string): string => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
};

const loinc = (code: string, display: string) => ({
  coding: [{ system: LOINC, code, display }],
  text: display,
});
const quantity = (value: number, unit: string, code: string) => ({ value, unit, system: UCUM, code });

/** The Encounter's status from where the report stands at the desk (FHIR R4 EncounterStatus). */
const encounterStatus = (r: BoardReport): string => {
  if (r.status === 'cancelled') return 'cancelled';
  if (r.handedOver) return 'arrived';
  return 'planned';
};

const vitalObservations = (s: Vitals): { readonly key: string; readonly resource: Json }[] => {
  const out: { key: string; resource: Json }[] = [];
  const add = (key: string, resource: Json): void => void out.push({ key: `${s.at}/${key}`, resource });
  if (s.heartRate !== undefined)
    add('hr', { code: loinc('8867-4', 'Heart rate'), valueQuantity: quantity(s.heartRate, '/min', '/min') });
  if (s.systolic !== undefined || s.diastolic !== undefined)
    add('bp', {
      code: loinc('85354-9', 'Blood pressure panel with all children optional'),
      component: [
        ...(s.systolic === undefined
          ? []
          : [
              {
                code: loinc('8480-6', 'Systolic blood pressure'),
                valueQuantity: quantity(s.systolic, 'mmHg', 'mm[Hg]'),
              },
            ]),
        ...(s.diastolic === undefined
          ? []
          : [
              {
                code: loinc('8462-4', 'Diastolic blood pressure'),
                valueQuantity: quantity(s.diastolic, 'mmHg', 'mm[Hg]'),
              },
            ]),
      ],
    });
  if (s.respiratoryRate !== undefined)
    add('rr', {
      code: loinc('9279-1', 'Respiratory rate'),
      valueQuantity: quantity(s.respiratoryRate, '/min', '/min'),
    });
  if (s.spo2 !== undefined)
    add('spo2', {
      code: loinc('2708-6', 'Oxygen saturation in Arterial blood'),
      valueQuantity: quantity(s.spo2, '%', '%'),
    });
  if (s.temperatureC !== undefined)
    add('temp', {
      code: loinc('8310-5', 'Body temperature'),
      valueQuantity: quantity(s.temperatureC, 'Cel', 'Cel'),
    });
  if (s.gcs !== undefined)
    add('gcs', {
      code: loinc('9269-2', 'Glasgow coma score total'),
      valueInteger: s.gcs.e + s.gcs.v + s.gcs.m,
      component: [
        { code: loinc('9267-6', 'Glasgow coma score eye opening'), valueInteger: s.gcs.e },
        { code: loinc('9270-0', 'Glasgow coma score verbal'), valueInteger: s.gcs.v },
        { code: loinc('9268-4', 'Glasgow coma score motor'), valueInteger: s.gcs.m },
      ],
    });
  if (s.jcs !== undefined)
    // JCS has no LOINC code: text only, the value exactly as the crew entered it.
    add('jcs', {
      code: { text: 'Japan Coma Scale (JCS)' },
      valueString:
        s.jcs.modifiers.length === 0 ? String(s.jcs.level) : `${s.jcs.level}-${s.jcs.modifiers.join('')}`,
    });
  return out;
};

/** Our extension on Patient: how the crew identified the patient (issue 13, docs/protocol.md). */
export const IDENTITY_ASSURANCE_EXTENSION = 'urn:ems-gateway:fhir:StructureDefinition:identity-assurance';
const ASSURANCE_LEVEL_SYSTEM = 'http://hl7.org/fhir/identity-assuranceLevel';

/**
 * The method (card-pin, card-visual, insurer-number, four-items, crew-entered, or not-stated for a
 * report that did not say), the FHIR IdentityAssuranceLevel it amounts to (none when not stated),
 * the match score of a confirmed lookup, and the crew member who attested or confirmed.
 */
const assuranceExtension = (a: StatedAssurance, unitId: string): Json => {
  const level = fhirAssuranceLevel(a);
  const who =
    a.method === 'card-visual'
      ? a.attester
      : a.method === 'four-items' || a.method === 'insurer-number'
        ? a.confirmedBy
        : undefined;
  return {
    url: IDENTITY_ASSURANCE_EXTENSION,
    extension: [
      { url: 'method', valueCode: a.method },
      ...(level === undefined
        ? []
        : [{ url: 'level', valueCoding: { system: ASSURANCE_LEVEL_SYSTEM, code: level } }]),
      ...(a.method === 'four-items' || a.method === 'insurer-number'
        ? [{ url: 'matchScore', valueInteger: a.score }]
        : []),
      ...(who === undefined
        ? []
        : [{ url: 'attester', valueIdentifier: { system: `urn:ems-gateway:${unitId}:user`, value: who } }]),
    ],
  };
};

/** The bundle; `now` is the export time (Bundle.timestamp); the report's photos and PDFs inline. */
export const reportBundle = (
  r: BoardReport,
  body: ReportBody,
  now: number,
  attachments: readonly ExportedAttachment[] = [],
): Json => {
  const base = `${r.unitId}/${r.reportId}`;
  const urn = (key: string): string => `urn:uuid:${uuidOf(`${base}/${key}`)}`;
  const patient = { reference: urn('patient') };
  const encounter = { reference: urn('encounter') };
  const entry = (key: string, resource: Json) => ({ fullUrl: urn(key), resource });
  const s = body.summary;
  const observation = (key: string, effective: string, resource: Json) =>
    entry(key, {
      resourceType: 'Observation',
      status: 'final',
      category: [VITAL_SIGNS],
      ...resource,
      subject: patient,
      encounter,
      effectiveDateTime: effective,
    });
  return {
    resourceType: 'Bundle',
    id: uuidOf(`${base}/bundle`),
    type: 'collection',
    timestamp: new Date(now).toISOString(),
    entry: [
      // `active`: a Patient with no elements at all is not distinguishable in the R4 JSON schema.
      entry('patient', {
        resourceType: 'Patient',
        extension: [assuranceExtension(statedAssurance(body.identity), r.unitId)],
        active: true,
      }),
      entry('encounter', {
        resourceType: 'Encounter',
        status: encounterStatus(r),
        class: {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: 'EMER',
          display: 'emergency',
        },
        subject: patient,
        reasonCode: [{ text: body.atmist.mechanism }],
        ...(r.handedOver ? { period: { end: new Date(r.updatedAt).toISOString() } } : {}),
      }),
      {
        fullUrl: urn('age'),
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: loinc('30525-0', 'Age'),
          subject: patient,
          encounter,
          effectiveDateTime: body.atmist.time,
          valueQuantity:
            body.atmist.age.unit === 'years'
              ? quantity(body.atmist.age.value, 'a', 'a')
              : quantity(body.atmist.age.value, 'mo', 'mo'),
          ...(body.atmist.age.estimated ? { note: [{ text: 'estimated' }] } : {}),
        },
      },
      ...body.atmist.signs.flatMap((v) =>
        vitalObservations(v).map((o) => observation(o.key, v.at, o.resource)),
      ),
      ...summaryEntries(s, patient, urn, {
        date: new Date(r.receivedAt).toISOString(),
        author: `${body.crew.callSign} (${body.crew.unitId})`,
      }).map((e) => entry(e.key, e.resource)),
      ...attachmentEntries(attachments, patient, encounter).map((e) => entry(e.key, e.resource)),
    ],
  };
};
