import { readFileSync } from 'node:fs';
import type { AmbulanceConfig } from '../../config/index.js';
import {
  loadFhirRecords,
  RecordsClient,
  type CandidatesOutcome,
  type LookupOutcome,
  systemTimers,
  type BindingFailure,
  type DrugCatalogue,
  type SummaryStore,
  type TlsMaterial,
} from '../../records/index.js';
import type { RoleContext } from '../runtime.js';
import { deviceSigner, envelopeResponseOpener } from './records-ports.js';
import type { LookupFailure } from './lookup-state.js';
import type { CandidatesAnswer, CandidateSource } from './patient-lookup.js';
import type { SummarySource } from './records-fetch.js';

/** The same retry and breaker policy for both kinds (src/records/retry.ts). */
const RETRY = { baseDelayMs: 500, maxDelayMs: 5_000 } as const;
const BREAKER = { failureThreshold: 5, cooldownMs: 30_000 } as const;

type FhirRecords = Extract<AmbulanceConfig['records'], { kind: 'fhir' }>;

/** PEM files named in the configuration; the key's passphrase from the named environment variable. */
const tlsMaterial = (
  tls: FhirRecords['tls'],
  env: Readonly<Record<string, string | undefined>>,
): TlsMaterial => {
  if (tls === undefined) return {};
  const passphrase = tls.keyPassphraseEnv === undefined ? undefined : env[tls.keyPassphraseEnv];
  if (tls.keyPassphraseEnv !== undefined && passphrase === undefined)
    throw new Error(`records.tls.keyPassphraseEnv names ${tls.keyPassphraseEnv}, which is not set`);
  return {
    ...(tls.caFile === undefined ? {} : { ca: readFileSync(tls.caFile, 'utf8') }),
    ...(tls.certFile === undefined ? {} : { cert: readFileSync(tls.certFile, 'utf8') }),
    ...(tls.keyFile === undefined ? {} : { key: readFileSync(tls.keyFile, 'utf8') }),
    ...(passphrase === undefined ? {} : { passphrase }),
  };
};

/** A lookup outcome of either kind, as the crew acts on it (lookup-state.ts, `LOOKUP_FAILURES`). */
export const candidatesAnswer = (outcome: LookupOutcome | CandidatesOutcome): CandidatesAnswer => {
  const failed = (failure: LookupFailure): CandidatesAnswer => ({ code: 'failed', failure });
  switch (outcome.code) {
    case 'ok':
      return { code: 'ok', candidates: outcome.candidates, complete: outcome.complete };
    case 'rate-limited':
      return failed('rate-limited');
    case 'insurer-number-not-offered':
      return failed('not-offered');
    case 'upstream-unavailable':
    case 'timeout':
      return failed('unavailable');
    case 'too-little':
    case 'invalid':
    case 'no-eligibility':
    case 'card-suspended':
    case 'certificate-expired':
    case 'consent-refused':
    case 'not-found':
    case 'device-rejected':
    case 'request-rejected':
    case 'response-unreadable':
    case 'answer-mismatch':
      return failed('failed');
    default:
      return outcome satisfies never;
  }
};

/**
 * The records upstream the configuration names: the sealed protocol, or a FHIR R4 server with SMART
 * Backend Services. Both end every request in the same typed outcomes and keep summaries in `store`;
 * both answer card-less lookups with candidates under opaque refs, whose confirmed one's summary is
 * then fetched through the same request path as a card's.
 */
export const recordsSource = async (
  config: AmbulanceConfig,
  ctx: RoleContext,
  env: Readonly<Record<string, string | undefined>>,
  store: SummaryStore,
  answerRefused: (reason: BindingFailure) => void,
  drugCatalogue: DrugCatalogue | undefined,
): Promise<SummarySource & CandidateSource> => {
  const records = config.records;
  const common = {
    timeoutMs: records.timeoutMs,
    retry: { maxAttempts: records.maxAttempts, ...RETRY },
    breaker: BREAKER,
    signer: deviceSigner(ctx.crypto.identity),
    store,
    clock: ctx.clock,
    timers: systemTimers,
    random: Math.random,
    logger: ctx.logger.child({ part: 'records' }),
    answerRefused,
    ...(drugCatalogue === undefined ? {} : { drugCatalogue }),
  };
  switch (records.kind) {
    case 'sealed': {
      const client = new RecordsClient({
        ...common,
        baseUrl: records.url,
        audience: records.principalId,
        unit: config.id,
        opener: envelopeResponseOpener({
          keys: ctx.crypto.keys,
          directory: ctx.crypto.directory,
          clock: ctx.clock,
          from: records.principalId,
        }),
      });
      return {
        fetchSummary: (request) => client.fetchSummary(request),
        findCandidates: async (query, crewMember) => candidatesAnswer(await client.lookup(query, crewMember)),
      };
    }
    case 'fhir': {
      // Loaded only for this kind (issue 16: the sealed kind's ambulances never hold it).
      const { FhirRecordsClient, nodeTransport } = await loadFhirRecords();
      const client = new FhirRecordsClient({
        ...common,
        baseUrl: records.url,
        clientId: records.clientId ?? config.id,
        scope: records.scope,
        patientIdentifierSystem: records.patientIdentifierSystem,
        pageSize: records.pageSize,
        maxPerType: records.maxResourcesPerType,
        capabilityTtlMs: records.capabilityTtlSeconds * 1000,
        transport: nodeTransport(tlsMaterial(records.tls, env)),
      });
      return {
        fetchSummary: (request) => client.fetchSummary(request),
        // The crew member is not sent to a FHIR server: the gateway's own limit and audit name them.
        findCandidates: async (query) => candidatesAnswer(await client.findCandidates(query)),
      };
    }
    default:
      return records satisfies never;
  }
};
