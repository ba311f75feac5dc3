import * as v from 'valibot';
import type { Exchange } from './http.js';
import type { FhirResource, SearchPage } from './read.js';
import { aboutSubject } from './subject.js';

/**
 * Pure steps of the FHIR kind: the patient from a search, a `$summary` document checked against
 * that patient, and the summary assembled from searches into one Bundle the IPS parser reads.
 */

/**
 * What is searched when `$summary` is not offered (IPS sections: allergies, medications, problems,
 * procedures, results, immunizations, devices, advance directives, payers), each by its `patient`
 * search parameter (FHIR R4), with the Medication a medication resource points to.
 */
export const SEARCH_TYPES: readonly { readonly type: string; readonly include?: string }[] = [
  { type: 'AllergyIntolerance' },
  { type: 'MedicationStatement', include: 'MedicationStatement:medication' },
  { type: 'MedicationRequest', include: 'MedicationRequest:medication' },
  { type: 'MedicationDispense', include: 'MedicationDispense:medication' },
  { type: 'Condition' },
  { type: 'Procedure' },
  { type: 'Observation' },
  { type: 'Immunization' },
  { type: 'DeviceUseStatement' },
  { type: 'Consent' },
  { type: 'Coverage' },
];

export interface Found {
  readonly id: string;
  readonly resource: FhirResource;
}

export type SearchResult =
  | { readonly type: string; readonly kind: 'ok'; readonly pages: readonly SearchPage[] }
  | { readonly type: string; readonly kind: 'failed'; readonly exchange: Exchange }
  | { readonly type: string; readonly kind: 'unreadable' | 'too-many' };

export type Answer =
  | { readonly kind: 'bundle'; readonly bytes: Uint8Array; readonly storable: boolean }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'no-eligibility' }
  | { readonly kind: 'fallback' }
  | { readonly kind: 'failed'; readonly exchange: Exchange };

const Identified = v.looseObject({
  resourceType: v.literal('Patient'),
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9\-.]{1,64}$/)),
  identifier: v.optional(
    v.array(v.looseObject({ system: v.optional(v.string()), value: v.optional(v.string()) })),
  ),
});

/**
 * The search answer for `Patient?identifier=system|value`: none, exactly one carrying that very
 * identifier, or a mismatch (a Patient without it: a server that ignored the search parameter must
 * never hand us somebody else). Two or more are refused as a mismatch too: never guess between people.
 */
export const findPatient = (
  json: unknown,
  system: string,
  value: string,
): { kind: 'found'; patient: Found } | { kind: 'none' | 'unreadable' | 'mismatch' } => {
  const bundle = v.safeParse(
    v.looseObject({
      resourceType: v.literal('Bundle'),
      entry: v.optional(v.array(v.looseObject({ resource: v.unknown() }))),
    }),
    json,
  );
  if (!bundle.success) return { kind: 'unreadable' };
  const patients = (bundle.output.entry ?? [])
    .map((e) => e.resource)
    .filter((r) => (r as { resourceType?: unknown } | undefined)?.resourceType === 'Patient');
  if (patients.length === 0) return { kind: 'none' };
  if (patients.length > 1) return { kind: 'mismatch' };
  const patient = v.safeParse(Identified, patients[0]);
  if (!patient.success) return { kind: 'unreadable' };
  const carries = (patient.output.identifier ?? []).some((i) => i.system === system && i.value === value);
  return carries
    ? { kind: 'found', patient: { id: patient.output.id, resource: patient.output } }
    : { kind: 'mismatch' };
};

/**
 * A `Patient/{id}` read: the Patient of that id, `mismatch` for another resource or another id (a
 * server must never hand us somebody else), `undefined` when it is no resource at all.
 */
export const patientById = (json: unknown, id: string): Found | 'mismatch' | undefined => {
  const patient = v.safeParse(Identified, json);
  if (!patient.success)
    return (json as { resourceType?: unknown } | null)?.resourceType === undefined ? undefined : 'mismatch';
  return patient.output.id === id ? { id, resource: patient.output } : 'mismatch';
};

const DocumentEntry = v.looseObject({
  fullUrl: v.optional(v.string()),
  resource: v.looseObject({ resourceType: v.string(), id: v.optional(v.string()) }),
});
const DocumentBundle = v.looseObject({ resourceType: v.literal('Bundle'), entry: v.array(v.unknown()) });

/**
 * A `$summary` answer: shown only when every resource in it is about the patient found. A body that
 * is not a Bundle at all gives the all-unavailable summary (the parser says so per section), and is
 * not kept: nothing in it could be checked.
 */
export const readDocument = (json: unknown, bytes: Uint8Array, patient: Found, now: number): Answer => {
  const bundle = v.safeParse(DocumentBundle, json);
  if (!bundle.success) return { kind: 'bundle', bytes: new Uint8Array(), storable: false };
  // Entries that are not resources cannot name anyone, and the parser cannot show them either.
  const entries = bundle.output.entry.flatMap((e) => {
    const entry = v.safeParse(DocumentEntry, e);
    return entry.success ? [entry.output] : [];
  });
  const patientUrls = new Set(
    entries
      .filter((e) => e.resource.resourceType === 'Patient' && e.fullUrl !== undefined)
      .map((e) => e.fullUrl as string),
  );
  const ours = new Set(
    entries
      .filter(
        (e) =>
          e.resource.resourceType === 'Patient' && e.resource.id === patient.id && e.fullUrl !== undefined,
      )
      .map((e) => e.fullUrl as string),
  );
  const about = aboutSubject(
    entries.map((e) => e.resource),
    { id: patient.id, fullUrls: ours },
    patientUrls,
  );
  if (!about) return { kind: 'mismatch' };
  return eligible(
    entries.map((e) => e.resource),
    now,
  )
    ? { kind: 'bundle', bytes, storable: true }
    : { kind: 'no-eligibility' };
};

/**
 * Eligibility (資格): when the server reports the patient's Coverage and none is active now, the
 * records are not shown, as the sealed kind's "no eligibility". No Coverage at all says nothing.
 */
const eligible = (resources: readonly FhirResource[], now: number): boolean => {
  const coverage = resources.filter((r) => r.resourceType === 'Coverage');
  if (coverage.length === 0) return true;
  return coverage.some((c) => {
    const r = c as { status?: unknown; period?: { start?: unknown; end?: unknown } };
    if (r.status !== 'active') return false;
    const end = typeof r.period?.end === 'string' ? Date.parse(r.period.end) : Number.NaN;
    return Number.isNaN(end) || end >= now;
  });
};

/**
 * The searches → one `collection` Bundle (FHIR R4 Bundle.type): the Patient, then every match and
 * included resource once. No Composition: the parser then reads each section from the resources
 * present and never claims "none known" from an absence; a type whose search failed, could not be
 * read or exceeded the bound is simply absent (its section unavailable), the rest are shown.
 */
export const assembleFromSearches = (
  patient: Found,
  results: readonly SearchResult[],
  now: number,
): Answer => {
  const ok = results.filter((r): r is Extract<SearchResult, { kind: 'ok' }> => r.kind === 'ok');
  if (ok.length === 0 && results.length > 0) {
    const down = results.find((r): r is Extract<SearchResult, { kind: 'failed' }> => r.kind === 'failed');
    if (down !== undefined && down.exchange.kind !== 'ok') return { kind: 'failed', exchange: down.exchange };
  }
  const seen = new Set<string>();
  const resources: FhirResource[] = [patient.resource];
  seen.add(`Patient/${patient.id}`);
  for (const r of ok)
    for (const page of r.pages)
      for (const resource of [...page.matches, ...page.included]) {
        const key = `${resource.resourceType}/${resource.id ?? String(seen.size)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        resources.push(resource);
      }
  if (!aboutSubject(resources, { id: patient.id, fullUrls: new Set() })) return { kind: 'mismatch' };
  if (!eligible(resources, now)) return { kind: 'no-eligibility' };
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date(now).toISOString(),
    entry: resources.map((resource) => ({
      fullUrl: `${resource.resourceType}/${resource.id ?? ''}`,
      resource,
    })),
  };
  return { kind: 'bundle', bytes: new TextEncoder().encode(JSON.stringify(bundle)), storable: true };
};
