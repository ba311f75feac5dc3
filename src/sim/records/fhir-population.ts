import type { MemoryRepository } from '@medplum/fhir-router';
import { cardholder } from '../population.js';
import type { FhirJson } from './bundle-parts.js';
import { medicalRecord } from './medical-record.js';
import { recordBundle } from './record-bundle.js';
import { registeredHolder, registeredNamesake } from './register.js';
import type { RegisteredPerson } from '../../records/index.js';

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

/**
 * A registered person's address as JP Core puts it (Address.state 都道府県, city 市区町村, line the
 * rest, postalCode): what the card-less lookup compares and shows the town of.
 */
const personAddress = (p: RegisteredPerson): FhirJson => {
  const m = /^(.+?[都道府県])(.+?[市区町村])(.*)$/.exec(p.address);
  return {
    text: p.address,
    ...(m === null ? {} : { state: m[1], city: m[2], line: [m[3]] }),
    postalCode: `${p.postcode.slice(0, 3)}-${p.postcode.slice(3)}`,
  };
};

/**
 * The namesake of holder `index` (register.ts) as a Patient of its own: same name, sex and birth date,
 * another town, and no records on this server (a card-less lookup must still tell the two apart).
 */
export const namesakePatient = (seed: number, index: number): Resource => {
  const p = registeredNamesake(seed, index);
  const SYL = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
  return {
    resourceType: 'Patient',
    id: p.id,
    // HumanName.text with an ASCII space: the FHIR string pattern refuses U+3000.
    name: [
      { use: 'official', text: p.nameKanji.replace('\u3000', ' ') },
      {
        use: 'official',
        extension: [{ url: SYL, valueCode: 'SYL' }],
        text: p.nameKana.replace('\u3000', ' '),
      },
    ],
    gender: p.sex,
    birthDate: p.birthDate,
    address: [personAddress(p)],
  } as unknown as Resource;
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
      // The register's address, so the FHIR kind's card-less lookup finds and tells apart as the sealed one.
      resource['address'] = [personAddress(registeredHolder(seed, index))];
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
