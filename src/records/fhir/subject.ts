import type { FhirResource } from './read.js';

/**
 * The H1 rule for the FHIR kind: an answer is about the patient asked for, or it is refused whole.
 * Every resource that names a patient must name the one found by the configured identifier; the
 * patient-specific resource types must name one at all. (Issue 12, H1; issue 14.)
 */

/** Where each patient-specific type names its patient: FHIR R4's `patient` search parameter path. */
const PATIENT_ELEMENT: Readonly<Record<string, string>> = {
  AllergyIntolerance: 'patient',
  MedicationStatement: 'subject',
  MedicationRequest: 'subject',
  MedicationDispense: 'subject',
  Condition: 'subject',
  Procedure: 'subject',
  Observation: 'subject',
  Immunization: 'patient',
  DeviceUseStatement: 'subject',
  Consent: 'patient',
  Coverage: 'beneficiary',
  Composition: 'subject',
  DiagnosticReport: 'subject',
  Encounter: 'subject',
  CarePlan: 'subject',
  ClinicalImpression: 'subject',
  FamilyMemberHistory: 'patient',
  Flag: 'subject',
  DocumentReference: 'subject',
};

const PATIENT_REF = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

/** Every `reference` string anywhere in a resource (Reference.reference, FHIR R4 §2.3.0). */
const references = (value: unknown, out: string[] = []): string[] => {
  if (Array.isArray(value)) for (const v of value) references(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === 'reference' && typeof v === 'string') out.push(v);
      else if (k !== 'contained') references(v, out);
    }
  return out;
};

export interface Subject {
  /** The Patient's logical id on the server. */
  readonly id: string;
  /** Document-local names of that Patient (Bundle.entry.fullUrl), when reading a document. */
  readonly fullUrls: ReadonlySet<string>;
}

/** The patient id a reference names, `undefined` if it names no patient; `other` for a local name not ours. */
const patientOf = (
  reference: string,
  subject: Subject,
  patientUrls: ReadonlySet<string>,
): string | undefined => {
  if (subject.fullUrls.has(reference)) return subject.id;
  if (patientUrls.has(reference)) return 'other';
  return PATIENT_REF.exec(reference)?.[1];
};

/**
 * Is every resource about `subject`? `patientUrls` are the fullUrls of all Patient entries of the
 * answer, so a local (`urn:uuid:`) reference to a second Patient is caught too.
 */
export const aboutSubject = (
  resources: readonly FhirResource[],
  subject: Subject,
  patientUrls: ReadonlySet<string> = new Set(),
): boolean => {
  for (const resource of resources) {
    if (resource.resourceType === 'Patient') {
      if (resource.id !== subject.id) return false;
      continue;
    }
    const element = PATIENT_ELEMENT[resource.resourceType];
    if (element !== undefined) {
      const own = references((resource as Record<string, unknown>)[element]);
      if (own.length === 0 || own.some((r) => patientOf(r, subject, patientUrls) !== subject.id))
        return false;
    }
    for (const r of references(resource)) {
      const id = patientOf(r, subject, patientUrls);
      if (id !== undefined && id !== subject.id) return false;
    }
  }
  return true;
};
