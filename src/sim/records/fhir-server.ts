import { badRequest, forbidden, getStatus, notFound, serverError, unauthorized } from '@medplum/core';
import { FhirRouter, MemoryRepository, makeSimpleRequest } from '@medplum/fhir-router';
import { Hono, type Context } from 'hono';
import type { Clock } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import { loadFhirRecords } from '../../records/index.js';
import { allows, TokenIssuer } from './fhir-auth.js';
import { indexDefinitions } from './fhir-definitions.js';
import { holderResources, loadResources, namesakePatient, type Resource } from './fhir-population.js';
import { hasNamesake } from './register.js';

const { SEARCH_TYPES } = await loadFhirRecords();
import type { RequestVerifier } from './ports.js';
import { NO_FAULTS, type FaultModes } from './service.js';

/**
 * The reference FHIR R4 server: medplum's FhirRouter and MemoryRepository (a FHIR engine we did not
 * write) over HTTP, with SMART Backend Services authorisation. Searches, paging semantics (`_count`,
 * `_offset`, `total`) and OperationOutcomes come from the engine; this file adds only what medplum's
 * own server adds around it: the CapabilityStatement, the SMART configuration and token endpoint,
 * `next` links from the engine's total, and optionally `Patient/$summary` (the IPS operation: the
 * patient's stored summary document, resolved through the engine).
 *
 * Each patient's compartment (FHIR R4 §3.6) lives in its own repository, and clinical searches must
 * name the patient: MemoryRepository scans linearly, so one store for a whole population would make
 * every search slow. Patients are also in one index store, for the identifier search.
 */
export const FHIR_BASE_PATH = '/fhir/R4/';
const TOKEN_PATH = '/auth/token';

export interface FhirServerOptions {
  readonly seed: number;
  readonly populationSize: number;
  /** Identifier.system the card's certificate serial is linked under. */
  readonly identifierSystem: string;
  /** Offer `Patient/$summary` in the CapabilityStatement and serve it. */
  readonly summary: boolean;
  /** Who may get a token: the client id is the principal of the key that signed the assertion. */
  readonly verifier: RequestVerifier;
  readonly clock: Clock;
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  /** Access-token lifetime (default 300 s). */
  readonly tokenLifetimeS?: number;
  readonly faults?: FaultModes;
  readonly hangMs?: number;
}

export interface FhirServer {
  readonly app: Hono;
  /**
   * Adds resources to holder `index`'s compartment (tests: many resources, to page through); a
   * Patient among them is also put in the index store, so Patient searches find it.
   */
  add(index: number, resources: readonly Resource[]): Promise<void>;
  /** Forgets every access token issued (tests: a server that restarted or revoked them mid-run). */
  revokeTokens(): void;
  /** Settles once the population is in the engine. */
  readonly loaded: Promise<void>;
  /** The Patient id of holder `index` (once loaded). */
  patientId(index: number): string | undefined;
}

type EngineAnswer = Awaited<ReturnType<FhirRouter['handleRequest']>>;

const fhirJson = (
  c: Context,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response =>
  c.body(JSON.stringify(body), status as 200, { 'content-type': 'application/fhir+json', ...headers });

/** The engine's default page size (medplum DEFAULT_SEARCH_COUNT) when the client sends no `_count`. */
const ENGINE_DEFAULT_COUNT = 20;

export const fhirRecordsServer = (options: FhirServerOptions): FhirServer => {
  indexDefinitions();
  const faults = options.faults ?? NO_FAULTS;
  const log = options.logger.child({ component: 'fhir-sim' });
  const router = new FhirRouter();
  const patients = new MemoryRepository();
  const compartments = new Map<string, MemoryRepository>();
  const byIndex = new Map<number, string>();
  const at = new Date(options.clock.now()).toISOString();
  // The population loads in the background (about 6 s for 1000 holders): the port opens at once and
  // every request waits for the load, as a server warming up would make it.
  const loaded = (async (): Promise<void> => {
    for (let i = 0; i < options.populationSize; i++) {
      const { patientId, resources } = holderResources(options.seed, i, options.identifierSystem, at);
      const repo = new MemoryRepository();
      await loadResources(repo, resources);
      await loadResources(
        patients,
        resources.filter((r) => r.resourceType === 'Patient'),
      );
      compartments.set(patientId, repo);
      byIndex.set(i, patientId);
      // The register's namesakes: Patients a card-less lookup finds, with no records here.
      if (hasNamesake(i)) await loadResources(patients, [namesakePatient(options.seed, i)]);
      // Yield now and then, so the process keeps serving its other roles while loading.
      if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  loaded.catch((e: unknown) =>
    log.error('population load failed', { error: e instanceof Error ? e.name : 'unknown' }),
  );
  const issuer = new TokenIssuer(options.verifier, options.clock, options.tokenLifetimeS ?? 300);

  const engine = async (repo: MemoryRepository, path: string): Promise<EngineAnswer> =>
    router.handleRequest(makeSimpleRequest('GET', path), repo);

  const answer = (c: Context, [outcome, resource]: EngineAnswer): Response =>
    fhirJson(c, getStatus(outcome), resource ?? outcome);

  /** `next`/`self` links from the engine's total, offset and count (FHIR R4 §3.1.1.4.1). */
  const withLinks = (
    c: Context,
    result: EngineAnswer,
    type: string,
    query: URLSearchParams,
  ): EngineAnswer => {
    const [outcome, bundle] = result;
    if (bundle?.resourceType !== 'Bundle' || bundle.type !== 'searchset') return result;
    const origin = new URL(c.req.url).origin;
    const offset = Number(query.get('_offset') ?? '0') || 0;
    const count = Number(query.get('_count') ?? String(ENGINE_DEFAULT_COUNT)) || ENGINE_DEFAULT_COUNT;
    const page = (o: number): string => {
      const q = new URLSearchParams(query);
      q.set('_offset', String(o));
      return `${origin}${FHIR_BASE_PATH}${type}?${q.toString()}`;
    };
    const link = [{ relation: 'self', url: page(offset) }];
    if (bundle.total !== undefined && offset + count < bundle.total)
      link.push({ relation: 'next', url: page(offset + count) });
    let entry = bundle.entry;
    if (entry !== undefined && options.random() < faults.truncateRate) {
      log.info('fault: truncated bundle');
      entry = entry.slice(0, Math.ceil(entry.length * 0.6));
    }
    return [outcome, { ...bundle, link, ...(entry === undefined ? {} : { entry }) }];
  };

  /**
   * IPS `$summary`: the patient's newest stored summary document: its Composition, everything it
   * references (subject, author, custodian, the entries of every section, nested ones included: a
   * JP-CLINS document lists its clinical sections under 300 構造情報), and the patient's Coverage found
   * by a search through the engine. A JP-CLINS document lists no insurance section, so the Coverage
   * travels unlisted, as in the document itself; the client's eligibility (資格) check reads it.
   */
  const summary = async (c: Context, patientId: string): Promise<Response> => {
    const repo = compartments.get(patientId);
    if (repo === undefined) return fhirJson(c, 404, notFound);
    const [outcome, found] = await engine(
      repo,
      `Composition?subject=Patient/${patientId}&_sort=-date&_count=1`,
    );
    const composition = found?.resourceType === 'Bundle' ? found.entry?.[0]?.resource : undefined;
    if (composition?.resourceType !== 'Composition')
      return fhirJson(c, getStatus(outcome) === 200 ? 404 : getStatus(outcome), notFound);
    const coverageSearch = await engine(repo, `Coverage?patient=Patient/${patientId}`);
    const coverage = coverageSearch[1];
    if (coverage?.resourceType !== 'Bundle') return answer(c, coverageSearch);
    type Section = NonNullable<typeof composition.section>[number];
    const entries = (sections: readonly Section[]): (string | undefined)[] =>
      sections.flatMap((s) => [...(s.entry ?? []).map((e) => e.reference), ...entries(s.section ?? [])]);
    const refs = [
      `Patient/${patientId}`,
      ...(composition.author ?? []).map((a) => a.reference),
      composition.custodian?.reference,
      ...entries(composition.section ?? []),
      ...(coverage.entry ?? []).map((e) => `Coverage/${e.resource?.id ?? ''}`),
    ].filter((r): r is string => r !== undefined);
    const origin = new URL(c.req.url).origin;
    const resources = [
      composition,
      ...(await Promise.all([...new Set(refs)].map((r) => repo.readReference({ reference: r })))),
    ];
    let entry = resources.map((r) => ({
      fullUrl: `${origin}${FHIR_BASE_PATH}${r.resourceType}/${r.id ?? ''}`,
      resource: r,
    }));
    if (options.random() < faults.truncateRate) {
      log.info('fault: truncated bundle');
      entry = entry.slice(0, Math.ceil(entry.length * 0.6));
    }
    return fhirJson(c, 200, {
      resourceType: 'Bundle',
      type: 'document',
      timestamp: new Date(options.clock.now()).toISOString(),
      entry,
    });
  };

  /** The fault modes, as the sealed service draws them (per request). */
  const fault = async (c: Context): Promise<Response | undefined> => {
    if (faults.latencyMs > 0) await options.sleep(faults.latencyMs, c.req.raw.signal);
    if (options.random() < faults.errorRate) {
      log.info('fault: error');
      return fhirJson(c, 503, serverError(new Error('unavailable')), { 'retry-after': '1' });
    }
    if (options.random() < faults.timeoutRate) {
      log.info('fault: timeout');
      await options.sleep(options.hangMs ?? 60_000, c.req.raw.signal);
      return c.body(null, 504);
    }
    return undefined;
  };

  const app = new Hono();
  app.use('*', async (_c, next) => {
    await loaded;
    await next();
  });
  app.get(`${FHIR_BASE_PATH}metadata`, (c) =>
    fhirJson(c, 200, capabilityStatement(options.summary, options.clock.now())),
  );
  app.get(`${FHIR_BASE_PATH}.well-known/smart-configuration`, (c) =>
    c.json({
      token_endpoint: `${new URL(c.req.url).origin}${TOKEN_PATH}`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['EdDSA'],
      grant_types_supported: ['client_credentials'],
      scopes_supported: ['system/*.read', 'system/*.rs'],
      capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
    }),
  );
  app.post(TOKEN_PATH, async (c) => {
    const form = new URLSearchParams(await c.req.text().catch(() => ''));
    const result = await issuer.token(form, `${new URL(c.req.url).origin}${TOKEN_PATH}`);
    log.info('token request', { granted: result.ok });
    return result.ok
      ? c.json(result.body, 200, { 'cache-control': 'no-store' })
      : c.json(result.body, result.status);
  });
  // Patient search by POST (FHIR R4 §3.1.1.1): what the ambulance uses, so the card's serial stays out of URLs.
  app.post(`${FHIR_BASE_PATH}Patient/_search`, async (c) => {
    const grant = issuer.grant(c.req.header('authorization'));
    if (grant === undefined) return fhirJson(c, 401, unauthorized, { 'www-authenticate': 'Bearer' });
    if (!allows(grant, 'Patient')) return fhirJson(c, 403, forbidden);
    const faulted = await fault(c);
    if (faulted !== undefined) return faulted;
    const form = new URLSearchParams(await c.req.text().catch(() => ''));
    return answer(c, await engine(patients, `Patient?${form.toString()}`));
  });
  app.get(`${FHIR_BASE_PATH}*`, async (c) => {
    const grant = issuer.grant(c.req.header('authorization'));
    if (grant === undefined) return fhirJson(c, 401, unauthorized, { 'www-authenticate': 'Bearer' });
    const faulted = await fault(c);
    if (faulted !== undefined) return faulted;
    const url = new URL(c.req.url);
    const rest = url.pathname.slice(FHIR_BASE_PATH.length);
    const [type = '', id, operation, ...more] = rest.split('/');
    if (more.length > 0 || !/^[A-Z][A-Za-z]+$/.test(type)) return fhirJson(c, 404, notFound);
    if (!allows(grant, type)) return fhirJson(c, 403, forbidden);
    if (type === 'Patient' && id !== undefined && operation === '$summary' && options.summary)
      return summary(c, id);
    if (operation !== undefined) return fhirJson(c, 400, badRequest('Operation not supported'));
    if (type === 'Patient') return answer(c, await engine(patients, `${rest}${url.search}`));
    if (id !== undefined) {
      for (const repo of compartments.values()) {
        const found = await engine(repo, rest);
        if (getStatus(found[0]) === 200) return answer(c, found);
      }
      return fhirJson(c, 404, notFound);
    }
    // Clinical searches name their patient (many regional servers require it too).
    const patient = /^(?:Patient\/)?([A-Za-z0-9\-.]{1,64})$/.exec(url.searchParams.get('patient') ?? '')?.[1];
    if (patient === undefined)
      return fhirJson(c, 400, badRequest('A patient search parameter is required', 'patient'));
    const repo = compartments.get(patient) ?? new MemoryRepository();
    return answer(c, withLinks(c, await engine(repo, `${type}${url.search}`), type, url.searchParams));
  });

  return {
    app,
    loaded,
    add: async (index, resources) => {
      await loaded;
      const repo = compartments.get(byIndex.get(index) ?? '');
      if (repo === undefined) throw new Error(`holder ${index} is not in the population`);
      await loadResources(repo, resources);
      await loadResources(
        patients,
        resources.filter((r) => r.resourceType === 'Patient'),
      );
    },
    revokeTokens: () => issuer.revokeAll(),
    patientId: (index) => byIndex.get(index),
  };
};

/** What this server offers (FHIR R4 CapabilityStatement), read once by clients and cached. */
const capabilityStatement = (summary: boolean, now: number): Record<string, unknown> => ({
  resourceType: 'CapabilityStatement',
  status: 'active',
  date: new Date(now).toISOString(),
  kind: 'instance',
  fhirVersion: '4.0.1',
  format: ['json'],
  rest: [
    {
      mode: 'server',
      security: {
        service: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                code: 'SMART-on-FHIR',
              },
            ],
          },
        ],
      },
      resource: [
        {
          type: 'Patient',
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [{ name: 'identifier', type: 'token' }],
          ...(summary
            ? {
                operation: [
                  { name: 'summary', definition: 'http://hl7.org/fhir/uv/ips/OperationDefinition/summary' },
                ],
              }
            : {}),
        },
        ...SEARCH_TYPES.map((t) => ({
          type: t.type,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [{ name: 'patient', type: 'reference' }],
        })),
      ],
    },
  ],
});
