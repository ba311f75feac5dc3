import type { MemoryRepository } from '@medplum/fhir-router';
import { cardholder } from '../population.js';
import type { FhirJson } from './bundle-parts.js';
import { medicalRecord } from './medical-record.js';
import { recordBundle } from './record-bundle.js';

/**
 * The synthetic population as FHIR resources in a FHIR engine we did not write (medplum's
 * MemoryRepository): each holder's document in the shape its source sends it (an IPS or a JP-CLINS
 * 診療情報提供書, as the sealed service serves it: `recordBundle`) taken apart into its resources,
 * local `urn:uuid:` references turned into `Type/id`, the stored Composition kept (it is what
 * `$summary` returns).
 */

/** The identifier the demo region links a card to its patient by (docs/records.md, "Connecting a FHIR server"). */
export const DEMO_PATIENT_IDENTIFIER_SYSTEM = 'urn:ems-gateway:demo:jpki-user-auth-serial';

/** A FHIR resource as the engine takes it (its own type, so no other medplum package is named). */
export type Resource = Parameters<MemoryRepository['updateResource']>[0];

type Json = FhirJson | FhirJson[] | string | number | boolean | null;

const relink = (value: Json, links: ReadonlyMap<string, string>): Json => {
  if (Array.isArray(value)) return value.map((v) => relink(v, links)) as FhirJson[];
  if (value !== null && typeof value === 'object') {
    const out: FhirJson = {};
    for (const [k, v] of Object.entries(value))
      out[k] = k === 'reference' && typeof v === 'string' ? (links.get(v) ?? v) : relink(v as Json, links);
    return out;
  }
  return value;
};

/** Holder `index`'s resources, ready to load; the Patient first. */
export const holderResources = (
  seed: number,
  index: number,
  identifierSystem: string,
  at: string,
): { readonly patientId: string; readonly resources: readonly Resource[] } => {
  const record = medicalRecord(seed, index);
  const bundle = recordBundle(record, at);
  const entries = bundle['entry'] as { fullUrl: string; resource: FhirJson }[];
  const links = new Map(
    entries.map((e) => [e.fullUrl, `${String(e.resource['resourceType'])}/${String(e.resource['id'])}`]),
  );
  let patientId = '';
  const resources = entries.map((e) => {
    const resource = relink(e.resource, links) as FhirJson;
    if (resource['resourceType'] === 'Patient') {
      patientId = String(resource['id']);
      const identifiers = (resource['identifier'] as FhirJson[] | undefined) ?? [];
      resource['identifier'] = [
        ...identifiers,
        { system: identifierSystem, value: cardholder(seed, index).certificateSerial },
      ];
    }
    // 資格なし: the insurer has ended the coverage (the sealed service refuses such a card outright).
    if (resource['resourceType'] === 'Coverage' && record.status === 'no-eligibility') {
      resource['status'] = 'cancelled';
    }
    return resource as unknown as Resource;
  });
  resources.sort((a, b) => Number(b.resourceType === 'Patient') - Number(a.resourceType === 'Patient'));
  return { patientId, resources };
};

/** Loads resources through the engine's own create path (ids kept, as an import would). */
export const loadResources = async (
  repo: MemoryRepository,
  resources: readonly Resource[],
): Promise<void> => {
  for (const resource of resources) await repo.updateResource(resource);
};
