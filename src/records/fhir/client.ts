import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import type { BindingFailure } from '../binding.js';
import type { SummaryOutcome } from '../client.js';
import type { DrugCatalogue } from '../drug-classes-catalogue.js';
import { parseSummaryBytes } from '../parser.js';
import type { RequestSigner, SummaryStore, Timers } from '../ports.js';
import { isCandidate, type SummaryRequest } from '../request.js';
import type { BreakerPolicy, RetryPolicy } from '../retry.js';
import { FhirHttp, searchForm, type Exchange, type FinalCode } from './http.js';
import {
  readCapabilities,
  readSearchPage,
  readSmartConfiguration,
  type Capabilities,
  type SearchPage,
  type SmartEndpoints,
} from './read.js';
import {
  candidatesOf,
  checkQuery,
  type Candidate,
  type LookupError,
  type LookupQuery,
  type Match,
} from '../lookup.js';
import { candidateSearch, matchParameters, matchesFromMatch, matchesFromSearch } from './candidates.js';
import { ASSERTION_ALG } from './smart.js';
import {
  SEARCH_TYPES,
  assembleFromSearches,
  findPatient,
  patientById,
  readDocument,
  type Answer,
  type Found,
  type SearchResult,
} from './summary.js';
import type { Transport } from './transport.js';

/** How long a candidate's ref stays usable for its confirmation (the crew confirms within minutes). */
const CANDIDATE_TTL_MS = 15 * 60_000;
const MAX_REMEMBERED = 1_000;

export interface FhirRecordsOptions {
  /** The FHIR base URL (ending in `/`): `${base}metadata`, `${base}Patient?…`. */
  readonly baseUrl: string;
  /** The OAuth client id this device is registered under at the server's token endpoint. */
  readonly clientId: string;
  /** SMART system scopes, read only (`system/*.read` or narrower). */
  readonly scope: string;
  /** Identifier.system under which the server knows a card holder by the card's certificate serial. */
  readonly patientIdentifierSystem: string;
  /** `_count` per search page, and the most resources of one type read before the type is given up. */
  readonly pageSize: number;
  readonly maxPerType: number;
  /** How long the CapabilityStatement and SMART configuration are trusted before they are read again. */
  readonly capabilityTtlMs: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly breaker: BreakerPolicy;
  readonly signer: RequestSigner;
  readonly store: SummaryStore;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: () => number;
  readonly logger: Logger;
  /** Called once per answer refused because it is not about the patient asked for (H1). */
  readonly answerRefused: (reason: BindingFailure) => void;
  readonly newId?: () => string;
  /** The MHLW price list (records.drugCatalogueFile) the parser classifies drugs with, when configured. */
  readonly drugCatalogue?: DrugCatalogue;
}

interface Discovery {
  readonly capabilities: Capabilities;
  readonly smart: SmartEndpoints;
  readonly until: number;
}

/**
 * Emergency summaries from any FHIR R4 server (issue 14): the CapabilityStatement read once (and
 * again after `capabilityTtlMs`), the patient found by the configured identifier, then
 * `Patient/$summary` where offered, else the summary assembled from parallel searches with paging.
 * Every resource must be about the patient found, or the whole answer is refused (H1).
 */
export class FhirRecordsClient {
  readonly #o: FhirRecordsOptions;
  readonly #http: FhirHttp;
  readonly #base: URL;
  #discovery: Discovery | undefined;
  readonly #newRef: () => string;
  /** Refs of candidates answered, for the crew's confirmation: ref → Patient id (never sent to the tablet). */
  readonly #candidates = new Map<string, { readonly patientId: string; readonly until: number }>();

  constructor(options: FhirRecordsOptions) {
    this.#o = options;
    this.#base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.#http = new FhirHttp({ ...options });
    this.#newRef = options.newId ?? randomUUID;
  }

  /** HTTP exchanges so far, and token requests among them (benchmark and tests). */
  get counters(): { readonly exchanges: number; readonly tokens: number } {
    return { exchanges: this.#http.exchanges, tokens: this.#http.tokenRequests };
  }

  async fetchSummary(request: SummaryRequest): Promise<SummaryOutcome> {
    const before = this.#http.exchanges;
    const outcome = await this.#fetch(request, () => this.#http.exchanges - before);
    this.#o.logger.info('records summary request', {
      kind: 'fhir',
      outcome: outcome.code,
      attempts: outcome.attempts,
    });
    return outcome;
  }

  /**
   * Card-less lookup by the four basic items: `Patient/$match` (onlyCertainMatches=false) where the
   * CapabilityStatement offers it, else a Patient search by POST on the birth date (and sex), one
   * page of up to `maxPerType`, matched by the lookup's rules (src/records/lookup.ts). Candidates only,
   * each under a ref for this answer; `patients` (ref → Patient id) stays with the gateway. `complete`
   * is false when Patients were left unread or could not be compared: the crew adds what they know.
   */
  async findCandidates(query: LookupQuery): Promise<CandidatesOutcome> {
    const checked = checkQuery(query);
    if (!checked.ok) return { code: checked.error, attempts: 0 };
    if (query.kind !== 'four-items') return { code: 'insurer-number-not-offered', attempts: 0 };
    const before = this.#http.exchanges;
    const attempts = (): number => this.#http.exchanges - before;
    const discovery = await this.#discover();
    if (discovery.kind === 'failed') return failure(discovery.exchange, attempts());
    const { smart, capabilities } = discovery.value;
    let found: { matches: readonly Match[]; skipped: number; complete: boolean };
    if (capabilities.match) {
      const answer = await this.#http.get(new URL('Patient/$match', this.#base), smart, {
        contentType: 'application/fhir+json',
        text: JSON.stringify(matchParameters(query, this.#o.pageSize)),
      });
      if (answer.kind !== 'ok') return failure(answer, attempts());
      const read = matchesFromMatch(answer.json, query);
      if (read === undefined) return { code: 'response-unreadable', attempts: attempts() };
      found = { ...read, complete: read.skipped === 0 };
    } else {
      // One page, never `next`: a server's next link is a GET URL that would carry the birth date.
      const count = this.#o.maxPerType;
      const answer = await this.#http.get(
        new URL('Patient/_search', this.#base),
        smart,
        searchForm(candidateSearch(query, count)),
      );
      if (answer.kind !== 'ok') return failure(answer, attempts());
      const page = readSearchPage(answer.json);
      if (page === undefined) return { code: 'response-unreadable', attempts: attempts() };
      const read = matchesFromSearch(page.matches, query);
      const all = page.total === undefined ? page.matches.length < count : page.total <= page.matches.length;
      found = { ...read, complete: all && page.next === undefined && read.skipped === 0 };
    }
    const patients = new Map<string, string>();
    const now = this.#o.clock.now();
    const candidates = candidatesOf(found.matches, now, (person) => {
      const ref = this.#newRef();
      patients.set(ref, person.id);
      this.#remember(ref, person.id, now);
      return ref;
    });
    this.#o.logger.info('records candidate lookup', {
      kind: 'fhir',
      candidates: candidates.length,
      complete: found.complete,
    });
    return {
      code: 'ok',
      via: capabilities.match ? 'match' : 'search',
      candidates,
      patients,
      complete: found.complete,
      attempts: attempts(),
    };
  }

  async #fetch(request: SummaryRequest, attempts: () => number): Promise<SummaryOutcome> {
    if (request.consent.basis === 'refused') return { code: 'consent-refused', attempts: 0 };
    const stored = await this.#o.store.get(request.session);
    if (stored !== undefined)
      return {
        code: 'ok',
        summary: this.#parse(stored.bytes, this.#o.clock.now()),
        source: 'store',
        fetchedAt: stored.storedAt,
        attempts: 0,
        timings: undefined,
      };

    const started = this.#o.clock.now();
    const discovery = await this.#discover();
    if (discovery.kind === 'failed') return fail(discovery.exchange, attempts());
    const { smart, capabilities } = discovery.value;

    const id = request.identity;
    const found = isCandidate(id)
      ? await this.#candidatePatient(id.ref, smart)
      : await this.#findPatient(id.certificateSerial, smart);
    if (found.kind !== 'found')
      return found.kind === 'mismatch' ? this.#refuse(attempts()) : fail(found.exchange, attempts());

    let answer = capabilities.summary ? await this.#viaSummary(found.patient, smart) : undefined;
    if (answer === undefined || answer.kind === 'fallback')
      answer = await this.#viaSearches(found.patient, capabilities, smart);
    switch (answer.kind) {
      case 'bundle':
        break;
      case 'mismatch':
        return this.#refuse(attempts());
      case 'failed':
        return fail(answer.exchange, attempts());
      case 'no-eligibility':
        return { code: 'no-eligibility', attempts: attempts() };
      case 'fallback':
        return { code: 'request-rejected', attempts: attempts() };
      default:
        return answer satisfies never;
    }

    const fetched = this.#o.clock.now();
    const summary = this.#parse(answer.bytes, fetched);
    const parsed = this.#o.clock.now();
    if (answer.storable) await this.#o.store.set(request.session, answer.bytes);
    const storedAt = this.#o.clock.now();
    return {
      code: 'ok',
      summary,
      source: 'upstream',
      fetchedAt: fetched,
      attempts: attempts(),
      timings: { upstreamMs: fetched - started, parseMs: parsed - fetched, storeMs: storedAt - parsed },
    };
  }

  #parse(bytes: Uint8Array, at: number): ReturnType<typeof parseSummaryBytes> {
    const asOf = new Date(at);
    return parseSummaryBytes(
      [bytes],
      this.#o.drugCatalogue === undefined ? { asOf } : { asOf, catalogue: this.#o.drugCatalogue },
    );
  }

  #refuse(attempts: number): SummaryOutcome {
    this.#o.answerRefused('subject');
    return { code: 'answer-mismatch', attempts };
  }

  async #discover(): Promise<{ kind: 'ok'; value: Discovery } | { kind: 'failed'; exchange: Exchange }> {
    const now = this.#o.clock.now();
    if (this.#discovery !== undefined && now < this.#discovery.until)
      return { kind: 'ok', value: this.#discovery };
    const [metadata, smart] = await Promise.all([
      this.#http.getPublic(new URL('metadata', this.#base)),
      this.#http.getPublic(new URL('.well-known/smart-configuration', this.#base)),
    ]);
    if (metadata.kind !== 'ok') return { kind: 'failed', exchange: metadata };
    if (smart.kind !== 'ok') return { kind: 'failed', exchange: smart };
    const capabilities = readCapabilities(metadata.json);
    const endpoints = readSmartConfiguration(smart.json);
    if (!capabilities.ok || endpoints === undefined) {
      this.#o.logger.warn('fhir server not usable', {
        problem: capabilities.ok ? 'smart-configuration' : capabilities.error,
      });
      return { kind: 'failed', exchange: { kind: 'final', code: 'request-rejected', status: 200 } };
    }
    if (endpoints.algorithms !== undefined && !endpoints.algorithms.includes(ASSERTION_ALG)) {
      this.#o.logger.warn('fhir token endpoint does not list the assertion algorithm', {
        alg: ASSERTION_ALG,
      });
      return { kind: 'failed', exchange: { kind: 'final', code: 'device-rejected', status: 200 } };
    }
    this.#discovery = {
      capabilities: capabilities.value,
      smart: endpoints,
      until: now + this.#o.capabilityTtlMs,
    };
    return { kind: 'ok', value: this.#discovery };
  }

  /**
   * Keeps a candidate's Patient id under its ref for `CANDIDATE_TTL_MS`, so the confirmed candidate's
   * summary is fetched by the Patient reference (`Patient/{id}`), never by searching the name again.
   */
  #remember(ref: string, patientId: string, now: number): void {
    this.#candidates.set(ref, { patientId, until: now + CANDIDATE_TTL_MS });
    for (const [k, e] of this.#candidates) {
      if (this.#candidates.size <= MAX_REMEMBERED && e.until >= now) break;
      this.#candidates.delete(k);
    }
  }

  /** A confirmed candidate's Patient, read by its id: it must be that very Patient (H1). */
  async #candidatePatient(
    ref: string,
    smart: SmartEndpoints,
  ): Promise<
    { kind: 'found'; patient: Found } | { kind: 'mismatch' } | { kind: 'failed'; exchange: Exchange }
  > {
    const known = this.#candidates.get(ref);
    if (known === undefined || known.until < this.#o.clock.now())
      return { kind: 'failed', exchange: { kind: 'final', code: 'not-found', status: 200 } };
    const answer = await this.#http.get(
      new URL(`Patient/${encodeURIComponent(known.patientId)}`, this.#base),
      smart,
    );
    if (answer.kind !== 'ok') return { kind: 'failed', exchange: answer };
    const patient = patientById(answer.json, known.patientId);
    if (patient === undefined)
      return { kind: 'failed', exchange: { kind: 'final', code: 'response-unreadable', status: 200 } };
    return patient === 'mismatch' ? { kind: 'mismatch' } : { kind: 'found', patient };
  }

  /** `Patient?identifier=system|value` (by POST): exactly one Patient carrying exactly that identifier. */
  async #findPatient(
    serial: string,
    smart: SmartEndpoints,
  ): Promise<
    { kind: 'found'; patient: Found } | { kind: 'mismatch' } | { kind: 'failed'; exchange: Exchange }
  > {
    const system = this.#o.patientIdentifierSystem;
    // By POST: the card's serial is never in a URL (server access logs keep URLs).
    const form = new URLSearchParams({ identifier: `${system}|${serial}`, _count: '2' });
    const answer = await this.#http.get(new URL('Patient/_search', this.#base), smart, searchForm(form));
    if (answer.kind !== 'ok') return { kind: 'failed', exchange: answer };
    const found = findPatient(answer.json, system, serial);
    switch (found.kind) {
      case 'found':
        return found;
      case 'none':
        return { kind: 'failed', exchange: { kind: 'final', code: 'not-found', status: 200 } };
      case 'unreadable':
        return { kind: 'failed', exchange: { kind: 'final', code: 'response-unreadable', status: 200 } };
      case 'mismatch':
        return { kind: 'mismatch' };
      default:
        return found satisfies never;
    }
  }

  async #viaSummary(patient: Found, smart: SmartEndpoints): Promise<Answer> {
    const answer = await this.#http.get(
      new URL(`Patient/${encodeURIComponent(patient.id)}/$summary`, this.#base),
      smart,
    );
    if (answer.kind === 'final' && answer.code === 'request-rejected') return { kind: 'fallback' };
    if (answer.kind !== 'ok') return { kind: 'failed', exchange: answer };
    return readDocument(answer.json, answer.bytes, patient, this.#o.clock.now());
  }

  async #viaSearches(patient: Found, capabilities: Capabilities, smart: SmartEndpoints): Promise<Answer> {
    const types = SEARCH_TYPES.filter((t) => capabilities.types.has(t.type));
    const results = await Promise.all(types.map((t) => this.#searchAll(t.type, t.include, patient, smart)));
    return assembleFromSearches(patient, results, this.#o.clock.now());
  }

  /** One type's search, following `next` links on this server only, within the bound. */
  async #searchAll(
    type: string,
    include: string | undefined,
    patient: Found,
    smart: SmartEndpoints,
  ): Promise<SearchResult> {
    const first = new URL(type, this.#base);
    first.searchParams.set('patient', `Patient/${patient.id}`);
    first.searchParams.set('_count', String(this.#o.pageSize));
    if (include !== undefined) first.searchParams.set('_include', include);
    const pages: SearchPage[] = [];
    let url: URL | undefined = first;
    let read = 0;
    while (url !== undefined) {
      const answer = await this.#http.get(url, smart);
      if (answer.kind !== 'ok') return { type, kind: 'failed', exchange: answer };
      const page = readSearchPage(answer.json);
      if (page === undefined) return { type, kind: 'unreadable' };
      pages.push(page);
      read += page.matches.length;
      if (read > this.#o.maxPerType) return { type, kind: 'too-many' };
      url = page.next === undefined ? undefined : this.#sameServer(page.next);
      if (page.next !== undefined && url === undefined) return { type, kind: 'unreadable' };
    }
    // A server's own count disagreeing with what it sent means pages went missing: not shown as complete.
    const total = pages[0]?.total;
    if (total !== undefined && total !== read) return { type, kind: 'unreadable' };
    return { type, kind: 'ok', pages };
  }

  /** A `next` link is followed only on this server's base: the bearer token never goes elsewhere. */
  #sameServer(link: string): URL | undefined {
    const url = URL.parse(link, this.#base.href);
    return url !== null && url.origin === this.#base.origin && url.pathname.startsWith(this.#base.pathname)
      ? url
      : undefined;
  }
}

/** What a card-less lookup came to. */
export type CandidatesOutcome =
  | {
      readonly code: 'ok';
      readonly via: 'match' | 'search';
      /** Best first; none selected (the crew confirms one with `confirmCandidate`). */
      readonly candidates: readonly Candidate[];
      /** Each candidate's ref → its Patient id: for the gateway, never sent to the tablet. */
      readonly patients: ReadonlyMap<string, string>;
      readonly complete: boolean;
      readonly attempts: number;
    }
  | { readonly code: LookupError | 'insurer-number-not-offered'; readonly attempts: 0 }
  | { readonly code: FailureCode; readonly attempts: number };

type FailureCode = FinalCode | 'timeout' | 'upstream-unavailable';

const failure = (exchange: Exchange, attempts: number): CandidatesOutcome => {
  switch (exchange.kind) {
    case 'final':
      return { code: exchange.code, attempts };
    case 'down':
      return { code: exchange.last === 'timeout' ? 'timeout' : 'upstream-unavailable', attempts };
    case 'ok':
      return { code: 'response-unreadable', attempts };
    default:
      return exchange satisfies never;
  }
};

const fail = (exchange: Exchange, attempts: number): SummaryOutcome => {
  switch (exchange.kind) {
    case 'final':
      return { code: exchange.code, attempts };
    case 'down':
      return exchange.last === 'timeout'
        ? { code: 'timeout', attempts }
        : { code: 'upstream-unavailable', attempts, breaker: exchange.breaker };
    case 'ok':
      return { code: 'response-unreadable', attempts };
    default:
      return exchange satisfies never;
  }
};
