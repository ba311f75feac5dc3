import * as v from 'valibot';

/**
 * Reading what a FHIR R4 server sends, as plain data: CapabilityStatement, SMART configuration,
 * token answers, searchset Bundles and OperationOutcomes. Nothing here throws on bad input.
 */

export const parseJson = (bytes: Uint8Array): unknown => {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
};

const Resource = v.looseObject({ resourceType: v.string(), id: v.optional(v.string()) });
export type FhirResource = v.InferOutput<typeof Resource>;

/** The IPS operation (HL7 IPS IG, OperationDefinition "summary"); some servers name it without canonical. */
const IPS_SUMMARY = 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary';

const PATIENT_MATCH = 'http://hl7.org/fhir/OperationDefinition/Patient-match';

const CapabilityStatement = v.looseObject({
  resourceType: v.literal('CapabilityStatement'),
  fhirVersion: v.optional(v.string()),
  rest: v.optional(
    v.array(
      v.looseObject({
        mode: v.optional(v.string()),
        resource: v.optional(
          v.array(
            v.looseObject({
              type: v.string(),
              searchParam: v.optional(v.array(v.looseObject({ name: v.string() }))),
              operation: v.optional(
                v.array(v.looseObject({ name: v.string(), definition: v.optional(v.string()) })),
              ),
            }),
          ),
        ),
      }),
    ),
  ),
});

export interface Capabilities {
  /** `Patient/$summary` is offered (CapabilityStatement.rest.resource[Patient].operation). */
  readonly summary: boolean;
  /** `Patient/$match` is offered (FHIR R4 OperationDefinition Patient-match). */
  readonly match: boolean;
  /** Resource types the server lists at all (a type it does not list is not searched). */
  readonly types: ReadonlySet<string>;
}

export type CapabilityProblem = 'not-a-capability-statement' | 'not-r4' | 'no-patient-search';

/** FHIR R4 §2.1.0 CapabilityStatement: what this client needs from it. */
export const readCapabilities = (
  json: unknown,
): { ok: true; value: Capabilities } | { ok: false; error: CapabilityProblem } => {
  const parsed = v.safeParse(CapabilityStatement, json);
  if (!parsed.success) return { ok: false, error: 'not-a-capability-statement' };
  if (parsed.output.fhirVersion !== undefined && !parsed.output.fhirVersion.startsWith('4.0'))
    return { ok: false, error: 'not-r4' };
  const server = parsed.output.rest?.find((r) => r.mode === undefined || r.mode === 'server');
  const resources = server?.resource ?? [];
  const patient = resources.find((r) => r.type === 'Patient');
  if (patient === undefined) return { ok: false, error: 'no-patient-search' };
  const summary = (patient.operation ?? []).some((o) => o.name === 'summary' || o.definition === IPS_SUMMARY);
  const match = (patient.operation ?? []).some((o) => o.name === 'match' || o.definition === PATIENT_MATCH);
  return { ok: true, value: { summary, match, types: new Set(resources.map((r) => r.type)) } };
};

/** SMART App Launch 2.x, `.well-known/smart-configuration`: what Backend Services needs. */
const SmartConfiguration = v.looseObject({
  token_endpoint: v.pipe(v.string(), v.url()),
  token_endpoint_auth_methods_supported: v.optional(v.array(v.string())),
  token_endpoint_auth_signing_alg_values_supported: v.optional(v.array(v.string())),
  grant_types_supported: v.optional(v.array(v.string())),
});

export interface SmartEndpoints {
  readonly tokenEndpoint: URL;
  /** Client-assertion algorithms the server says it accepts (absent: not said). */
  readonly algorithms: readonly string[] | undefined;
}

export const readSmartConfiguration = (json: unknown): SmartEndpoints | undefined => {
  const parsed = v.safeParse(SmartConfiguration, json);
  if (!parsed.success) return undefined;
  const methods = parsed.output.token_endpoint_auth_methods_supported;
  if (methods !== undefined && !methods.includes('private_key_jwt')) return undefined;
  return {
    tokenEndpoint: new URL(parsed.output.token_endpoint),
    algorithms: parsed.output.token_endpoint_auth_signing_alg_values_supported,
  };
};

/** RFC 6749 §5.1; SMART requires `expires_in` for Backend Services. */
const TokenAnswer = v.looseObject({
  access_token: v.pipe(v.string(), v.minLength(1), v.maxLength(8192)),
  token_type: v.pipe(
    v.string(),
    v.check((t) => t.toLowerCase() === 'bearer'),
  ),
  expires_in: v.pipe(v.number(), v.minValue(1)),
  scope: v.optional(v.string()),
});
export type TokenAnswer = v.InferOutput<typeof TokenAnswer>;

export const readTokenAnswer = (json: unknown): TokenAnswer | undefined => {
  const parsed = v.safeParse(TokenAnswer, json);
  return parsed.success ? parsed.output : undefined;
};

const OperationOutcome = v.looseObject({
  resourceType: v.literal('OperationOutcome'),
  issue: v.array(
    v.looseObject({
      severity: v.string(),
      code: v.string(),
    }),
  ),
});

/** The first error-level issue code of an OperationOutcome (FHIR R4 IssueType), if the body is one. */
export const outcomeIssue = (json: unknown): string | undefined => {
  const parsed = v.safeParse(OperationOutcome, json);
  if (!parsed.success) return undefined;
  const issues = parsed.output.issue;
  return (issues.find((i) => i.severity === 'error' || i.severity === 'fatal') ?? issues[0])?.code;
};

const SearchBundle = v.looseObject({
  resourceType: v.literal('Bundle'),
  type: v.literal('searchset'),
  total: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  link: v.optional(v.array(v.looseObject({ relation: v.string(), url: v.string() }))),
  entry: v.optional(
    v.array(
      v.looseObject({
        fullUrl: v.optional(v.string()),
        resource: v.optional(v.unknown()),
        search: v.optional(v.looseObject({ mode: v.optional(v.string()) })),
      }),
    ),
  ),
});

export interface SearchPage {
  /** `match` entries, and `include` entries (referenced resources such as Medication). */
  readonly matches: readonly FhirResource[];
  readonly included: readonly FhirResource[];
  /** Entries that are not resources at all. */
  readonly unreadable: number;
  readonly total: number | undefined;
  readonly next: string | undefined;
}

/** FHIR R4 §3.1.1.4 (searchset): entries by `search.mode`, and the `next` link for paging. */
export const readSearchPage = (json: unknown): SearchPage | undefined => {
  const parsed = v.safeParse(SearchBundle, json);
  if (!parsed.success) return undefined;
  const matches: FhirResource[] = [];
  const included: FhirResource[] = [];
  let unreadable = 0;
  for (const entry of parsed.output.entry ?? []) {
    const resource = v.safeParse(Resource, entry.resource);
    if (!resource.success) {
      unreadable += 1;
      continue;
    }
    const mode = entry.search?.mode;
    if (mode === 'outcome' || resource.output.resourceType === 'OperationOutcome') continue;
    (mode === 'include' ? included : matches).push(resource.output);
  }
  return {
    matches,
    included,
    unreadable,
    total: parsed.output.total,
    next: parsed.output.link?.find((l) => l.relation === 'next')?.url,
  };
};
