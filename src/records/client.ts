import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import type { Clock } from '../core/index.js';
import type { Logger } from '../log/index.js';
import {
  checkBinding,
  subjectDigest,
  unframeAnswer,
  type AnswerBinding,
  type BindingFailure,
} from './binding.js';
import type { DrugCatalogue } from './drug-classes-catalogue.js';
import { parseSummaryBytes } from './parser.js';
import type { OperatorCode, PermanentCode } from './outcomes.js';
import type { RequestSigner, ResponseOpener, SummaryStore, Timers } from './ports.js';
import { checkQuery, type Candidate, type LookupError, type LookupQuery } from './lookup.js';
import { LookupAnswer, candidateSubject, lookupSubject, type WireLookupRequest } from './lookup-wire.js';
import {
  encodeRequest,
  isCandidate,
  wireRequest,
  type RequestContext,
  type SummaryRequest,
} from './request.js';
import {
  CLOSED,
  backoffDelay,
  breakerAllows,
  breakerRecord,
  type BreakerPolicy,
  type BreakerState,
  type RetryPolicy,
} from './retry.js';
import { RefusalBody, verdictFor, type AttemptVerdict } from './status.js';
import type { EmergencySummary } from '../summary/index.js';

/** Where the time of an upstream fetch went (for metrics and the benchmark). */
export interface FetchTimings {
  /** Signing, HTTP round trips and backoff, and opening the sealed answer. */
  readonly upstreamMs: number;
  readonly parseMs: number;
  readonly storeMs: number;
}

export type SummaryOutcome =
  | {
      readonly code: 'ok';
      readonly summary: EmergencySummary;
      /** `store`: a repeat within the TTL, served from the summary cache without asking upstream. */
      readonly source: 'upstream' | 'store';
      /** When the Bundle was fetched (clock ms). */
      readonly fetchedAt: number;
      readonly attempts: number;
      readonly timings: FetchTimings | undefined;
    }
  | { readonly code: Exclude<PermanentCode, 'card-suspended'>; readonly attempts: number }
  | { readonly code: 'card-suspended'; readonly attempts: number; readonly detail: 'suspended' | 'revoked' }
  | { readonly code: 'upstream-unavailable'; readonly attempts: number; readonly breaker: 'open' | 'closed' }
  | { readonly code: 'timeout'; readonly attempts: number }
  | { readonly code: OperatorCode; readonly attempts: number };

export interface RecordsClientOptions {
  /** Base URL of the records service; the client posts to `${baseUrl}/records/v1/summary`. */
  readonly baseUrl: string;
  /** The records service's principal id (signed into every request as its audience). */
  readonly audience: string;
  /** This ambulance unit's principal id. */
  readonly unit: string;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly breaker: BreakerPolicy;
  readonly signer: RequestSigner;
  readonly opener: ResponseOpener;
  readonly store: SummaryStore;
  readonly clock: Clock;
  readonly timers: Timers;
  /** Uniform in [0, 1): backoff jitter. */
  readonly random: () => number;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
  readonly newRequestId?: () => string;
  /**
   * Called once per answer refused because it is not bound to the request it came back for (H1):
   * the caller counts it (a metric labelled by the bounded reason, never by anything of the patient).
   */
  readonly answerRefused: (reason: BindingFailure) => void;
  /** The MHLW price list (records.drugCatalogueFile) the parser classifies drugs with, when configured. */
  readonly drugCatalogue?: DrugCatalogue;
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

type Attempt =
  | { readonly kind: 'body'; readonly sealed: Uint8Array; readonly binding: AnswerBinding }
  | AttemptVerdict
  | { readonly kind: 'rate-limited' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network' };

/** How an exchange ended without an answer body (the failures common to summary and lookup). */
type Ended =
  | Exclude<SummaryOutcome, { code: 'ok' } | { code: 'consent-refused' }>
  | { readonly code: 'rate-limited'; readonly attempts: number };

type Exchanged =
  | {
      readonly kind: 'body';
      readonly sealed: Uint8Array;
      readonly binding: AnswerBinding;
      readonly attempts: number;
    }
  | { readonly kind: 'ended'; readonly ended: Ended };

/** What a card-less lookup came to (the sealed kind; the FHIR kind answers `CandidatesOutcome`). */
export type LookupOutcome =
  | {
      readonly code: 'ok';
      /** Best first; none selected. */
      readonly candidates: readonly Candidate[];
      readonly complete: boolean;
      readonly attempts: number;
    }
  | { readonly code: LookupError; readonly attempts: 0 }
  | Ended;

const candidateOf = (c: LookupAnswer['candidates'][number]): Candidate => ({
  ref: c.ref,
  score: c.score,
  ...(c.age === undefined ? {} : { age: c.age }),
  ...(c.sex === undefined ? {} : { sex: c.sex }),
  ...(c.municipality === undefined ? {} : { municipality: c.municipality }),
});

/**
 * Pulls emergency summaries: the store first (a repeat within its TTL), then the records service with
 * retries (full-jitter backoff) behind a circuit breaker. Never throws for upstream trouble: every
 * path ends in a typed outcome the crew screen can show.
 */
export class RecordsClient {
  readonly #o: RecordsClientOptions;
  readonly #fetch: typeof fetch;
  readonly #newId: () => string;
  #breaker: BreakerState = CLOSED;

  constructor(options: RecordsClientOptions) {
    this.#o = options;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#newId = options.newRequestId ?? randomUUID;
  }

  /** One answer's Bundle bytes → summary, with the configured drug catalogue. */
  #parse(bytes: Uint8Array): EmergencySummary {
    return this.#o.drugCatalogue === undefined
      ? parseSummaryBytes([bytes])
      : parseSummaryBytes([bytes], { catalogue: this.#o.drugCatalogue });
  }

  get breaker(): BreakerState['kind'] {
    return this.#breaker.kind;
  }

  async fetchSummary(request: SummaryRequest): Promise<SummaryOutcome> {
    const outcome = await this.#fetchSummary(request);
    this.#o.logger.info('records summary request', {
      outcome: outcome.code,
      attempts: outcome.attempts,
      ...(outcome.code === 'ok' ? { source: outcome.source } : {}),
    });
    return outcome;
  }

  async #fetchSummary(request: SummaryRequest): Promise<SummaryOutcome> {
    const { consent } = request;
    if (consent.basis === 'refused') return { code: 'consent-refused', attempts: 0 };
    const stored = await this.#o.store.get(request.session);
    if (stored !== undefined)
      return {
        code: 'ok',
        summary: this.#parse(stored.bytes),
        source: 'store',
        fetchedAt: stored.storedAt,
        attempts: 0,
        timings: undefined,
      };

    const started = this.#o.clock.now();
    const exchanged = await this.#exchange(() => this.#attempt({ ...request, consent }));
    if (exchanged.kind === 'body')
      return this.#accept(request.session, exchanged, exchanged.attempts, started);
    const ended = exchanged.ended;
    // Only a lookup is limited; a summary refused so is a service out of step with this client.
    return ended.code === 'rate-limited' ? { code: 'request-rejected', attempts: ended.attempts } : ended;
  }

  /**
   * Card-less lookup (issue 13): the query signed like a summary request, POST /records/v1/lookup,
   * retried like one; the sealed answer must be bound to this very query and request, or it is
   * refused. Candidates only: nothing here picks one (the crew confirms, `confirmCandidate`).
   */
  async lookup(query: LookupQuery, crewMember: string): Promise<LookupOutcome> {
    const checked = checkQuery(query);
    if (!checked.ok) return { code: checked.error, attempts: 0 };
    const exchanged = await this.#exchange(() => {
      const binding: AnswerBinding = {
        v: 1,
        requestId: this.#newId(),
        subject: subjectDigest(lookupSubject(query)),
        unit: this.#o.unit,
      };
      const wire: WireLookupRequest = {
        ...this.#context(binding.requestId),
        v: 1,
        crewMember,
        purpose: 'emergency-care',
        query,
      };
      return this.#post('records/v1/lookup', new TextEncoder().encode(JSON.stringify(wire)), binding);
    });
    const outcome = exchanged.kind === 'body' ? await this.#candidates(exchanged) : exchanged.ended;
    this.#o.logger.info('records candidate lookup', {
      outcome: outcome.code,
      attempts: outcome.attempts,
      ...(outcome.code === 'ok' ? { candidates: outcome.candidates.length } : {}),
    });
    return outcome;
  }

  async #candidates(answer: Extract<Exchanged, { kind: 'body' }>): Promise<LookupOutcome> {
    const { attempts } = answer;
    const opened = await this.#o.opener.open(answer.sealed);
    if (!opened.ok) return { code: 'response-unreadable', attempts };
    const framed = unframeAnswer(opened.value);
    const bound = framed.ok ? checkBinding(answer.binding, framed.value.binding) : framed;
    if (!framed.ok || !bound.ok) {
      opened.value.fill(0);
      this.#o.answerRefused(bound.ok ? 'unbound' : bound.error);
      return { code: 'answer-mismatch', attempts };
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(framed.value.bundle));
    } catch {
      return { code: 'response-unreadable', attempts };
    } finally {
      opened.value.fill(0);
    }
    const read = v.safeParse(LookupAnswer, json);
    if (
      !read.success ||
      new Set(read.output.candidates.map((c) => c.ref)).size !== read.output.candidates.length
    )
      return { code: 'response-unreadable', attempts };
    return {
      code: 'ok',
      candidates: read.output.candidates.map(candidateOf),
      complete: read.output.complete,
      attempts,
    };
  }

  /**
   * Attempts with full-jitter backoff behind the circuit breaker, until an answer body, a final
   * refusal, or the attempts run out. Shared by the summary and the lookup: one retry policy.
   */
  async #exchange(attempt: () => Promise<Attempt>): Promise<Exchanged> {
    const { retry } = this.#o;
    let last: 'timeout' | 'unavailable' = 'unavailable';
    let attempts = 0;
    const end = (ended: Ended): Exchanged => ({ kind: 'ended', ended });
    while (attempts < retry.maxAttempts) {
      const decision = breakerAllows(this.#breaker, this.#o.clock.now(), this.#o.breaker);
      this.#breaker = decision.state;
      if (!decision.allowed) return end({ code: 'upstream-unavailable', attempts, breaker: 'open' });
      attempts += 1;
      const result = await attempt();
      const healthy = result.kind === 'body' || result.kind === 'final' || result.kind === 'rate-limited';
      this.#breaker = breakerRecord(this.#breaker, healthy, this.#o.clock.now(), this.#o.breaker);
      switch (result.kind) {
        case 'body':
          return { ...result, attempts };
        case 'rate-limited':
          return end({ code: 'rate-limited', attempts });
        case 'final':
          return end(
            result.code === 'card-suspended'
              ? { code: 'card-suspended', attempts, detail: result.detail ?? 'suspended' }
              : { code: result.code, attempts },
          );
        case 'transient':
        case 'network':
        case 'timeout':
          last = result.kind === 'timeout' ? 'timeout' : 'unavailable';
          // An open circuit ends the request now: waiting out a backoff would only delay the answer.
          if (this.#breaker.kind === 'open')
            return end({ code: 'upstream-unavailable', attempts, breaker: 'open' });
          if (attempts < retry.maxAttempts)
            await this.#o.timers.sleep(
              backoffDelay(
                attempts,
                retry,
                this.#o.random,
                result.kind === 'transient' ? result.retryAfterMs : undefined,
              ),
            );
          break;
        default:
          return result satisfies never;
      }
    }
    return end(
      last === 'timeout'
        ? { code: 'timeout', attempts }
        : {
            code: 'upstream-unavailable',
            attempts,
            breaker: this.#breaker.kind === 'open' ? 'open' : 'closed',
          },
    );
  }

  /**
   * Opens the answer and checks its binding before anything else reads it: an answer for another
   * request, card or unit is refused, counted, and neither parsed, shown nor stored.
   */
  async #accept(
    session: string,
    answer: Extract<Attempt, { kind: 'body' }>,
    attempts: number,
    started: number,
  ): Promise<SummaryOutcome> {
    const opened = await this.#o.opener.open(answer.sealed);
    if (!opened.ok) return { code: 'response-unreadable', attempts };
    const framed = unframeAnswer(opened.value);
    const bound = framed.ok ? checkBinding(answer.binding, framed.value.binding) : framed;
    if (!framed.ok || !bound.ok) {
      opened.value.fill(0);
      this.#o.answerRefused(bound.ok ? 'unbound' : bound.error);
      return { code: 'answer-mismatch', attempts };
    }
    const bundle = framed.value.bundle;
    const fetched = this.#o.clock.now();
    const summary = this.#parse(bundle);
    const parsed = this.#o.clock.now();
    await this.#o.store.set(session, bundle);
    const storedAt = this.#o.clock.now();
    return {
      code: 'ok',
      summary,
      source: 'upstream',
      fetchedAt: fetched,
      attempts,
      timings: { upstreamMs: fetched - started, parseMs: parsed - fetched, storeMs: storedAt - parsed },
    };
  }

  /** One summary attempt: the request signed for this attempt, bound to a fresh request id. */
  async #attempt(
    request: SummaryRequest & { readonly consent: Exclude<SummaryRequest['consent'], { basis: 'refused' }> },
  ): Promise<Attempt> {
    const id = request.identity;
    const binding: AnswerBinding = {
      v: 1,
      requestId: this.#newId(),
      subject: subjectDigest(
        isCandidate(id) ? candidateSubject(id.ref) : { kind: 'jpki-serial', serial: id.certificateSerial },
      ),
      unit: this.#o.unit,
    };
    const bytes = encodeRequest(wireRequest(request, this.#context(binding.requestId)));
    return this.#post('records/v1/summary', bytes, binding);
  }

  #context(requestId: string): RequestContext {
    return {
      requestId,
      issuedAt: new Date(this.#o.clock.now()).toISOString(),
      audience: this.#o.audience,
      unit: this.#o.unit,
    };
  }

  /**
   * One signed POST with its own timeout. Whatever names the patient (the serial, the lookup's query)
   * travels in the signed body, never in the URL.
   */
  async #post(path: string, bytes: Uint8Array, binding: AnswerBinding): Promise<Attempt> {
    const signature = await this.#o.signer.sign(bytes);
    const body = JSON.stringify({
      keyId: this.#o.signer.keyId,
      request: b64url(bytes),
      signature: b64url(signature),
    });
    const controller = new AbortController();
    let timedOut = false;
    const cancel = this.#o.timers.after(this.#o.timeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    try {
      const response = await this.#fetch(new URL(path, withSlash(this.#o.baseUrl)), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/octet-stream' },
        body,
        signal: controller.signal,
      });
      if (response.status === 200)
        return { kind: 'body', sealed: new Uint8Array(await response.arrayBuffer()), binding };
      const text = await response.text();
      // The lookup's own refusal: the service's limit for this crew member, not a fault to retry.
      const refusal = v.safeParse(RefusalBody, safeJson(text));
      if (refusal.success && refusal.output.outcome === 'rate-limited') return { kind: 'rate-limited' };
      return verdictFor(response.status, safeJson(text), response.headers.get('retry-after'));
    } catch {
      return timedOut ? { kind: 'timeout' } : { kind: 'network' };
    } finally {
      cancel();
    }
  }
}

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
