import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import type { RequestSigner, Timers } from '../ports.js';
import {
  CLOSED,
  backoffDelay,
  breakerAllows,
  breakerRecord,
  type BreakerPolicy,
  type BreakerState,
  type RetryPolicy,
} from '../retry.js';
import { outcomeIssue, parseJson, readTokenAnswer, type SmartEndpoints } from './read.js';
import { cachedToken, clientAssertion, tokenRequestBody, type CachedToken } from './smart.js';
import { tlsRefusal, type TlsRefusal, type Transport } from './transport.js';

/** The outcomes a FHIR refusal can end in. */
export type FinalCode = 'not-found' | 'device-rejected' | 'request-rejected' | 'response-unreadable';

/** What one logical request (with its retries) came to. */
export type Exchange =
  | { readonly kind: 'ok'; readonly json: unknown; readonly bytes: Uint8Array }
  | { readonly kind: 'final'; readonly code: FinalCode; readonly status: number }
  | { readonly kind: 'down'; readonly last: 'timeout' | 'unavailable'; readonly breaker: 'open' | 'closed' };

export interface FhirHttpOptions {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly breaker: BreakerPolicy;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: () => number;
  readonly logger: Logger;
  readonly signer: RequestSigner;
  readonly clientId: string;
  readonly scope: string;
  readonly newId?: () => string;
}

/** A POST's body: a search form or a FHIR resource (an operation's Parameters). */
export interface PostBody {
  readonly contentType: 'application/x-www-form-urlencoded' | 'application/fhir+json';
  readonly text: string;
}

export const searchForm = (form: URLSearchParams): PostBody => ({
  contentType: 'application/x-www-form-urlencoded',
  text: form.toString(),
});

type TokenResult =
  { readonly kind: 'ok'; readonly token: string } | { readonly kind: 'failed'; readonly exchange: Exchange };

type Try =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly bytes: Uint8Array;
      readonly retryAfter?: string;
    }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network' }
  | { readonly kind: 'tls'; readonly refused: TlsRefusal };

/**
 * FHIR IssueType (R4 valueset issue-type) of a refusal → the outcome the crew sees. The HTTP status
 * decides retry or not; the issue code only refines a final answer.
 */
const finalCode = (status: number, issue: string | undefined): FinalCode => {
  if (status === 404 || issue === 'not-found') return 'not-found';
  if (
    status === 401 ||
    issue === 'login' ||
    issue === 'unknown' ||
    issue === 'expired' ||
    issue === 'security'
  )
    return 'device-rejected';
  return 'request-rejected';
};

/**
 * The FHIR kind's HTTP: every request bearer-authorised (SMART Backend Services token, cached until
 * shortly before it expires, renewed once on a 401), each attempt with its own timeout, retries with
 * full-jitter backoff behind the circuit breaker (src/records/retry.ts, as the sealed kind).
 */
export class FhirHttp {
  readonly #o: FhirHttpOptions;
  readonly #newId: () => string;
  #breaker: BreakerState = CLOSED;
  #token: CachedToken | undefined;
  #renewing: Promise<TokenResult> | undefined;
  /** HTTP exchanges made, all kinds (for the outcome's `attempts` and the benchmark). */
  exchanges = 0;
  tokenRequests = 0;

  constructor(options: FhirHttpOptions) {
    this.#o = options;
    this.#newId = options.newId ?? randomUUID;
  }

  /** A GET without authorisation (CapabilityStatement, SMART configuration: public by both specs). */
  getPublic(url: URL): Promise<Exchange> {
    return this.#withRetries(() =>
      this.#once('GET', url, { accept: 'application/fhir+json, application/json' }),
    );
  }

  /**
   * A FHIR read or search with the bearer token; one renewal of the token on a 401. With `body`, a
   * POST: a search by form (`Type/_search`, FHIR R4 §3.1.1.1, so its parameters stay out of the URL)
   * or an operation's Parameters resource (e.g. `Patient/$match`).
   */
  async get(url: URL, smart: SmartEndpoints, body?: PostBody): Promise<Exchange> {
    const run = async (): Promise<{ exchange: Exchange; token?: string }> => {
      const token = await this.#ensureToken(smart);
      if (token.kind !== 'ok') return { exchange: token.exchange };
      const headers = { accept: 'application/fhir+json', authorization: `Bearer ${token.token}` };
      const exchange = await this.#withRetries(() =>
        body === undefined
          ? this.#once('GET', url, headers)
          : this.#once('POST', url, { ...headers, 'content-type': body.contentType }, body.text),
      );
      return { exchange, token: token.token };
    };
    const first = await run();
    if (first.exchange.kind !== 'final' || first.exchange.status !== 401) return first.exchange;
    // Forget the refused token only: parallel searches refused together renew it once, and a token a
    // sibling already renewed is kept (RFC 6750 §3.1 invalid_token: the server forgot or revoked it).
    if (this.#token?.token === first.token) this.#token = undefined;
    return (await run()).exchange;
  }

  /** The cached token, or one new token however many requests ask for it at once. */
  #ensureToken(smart: SmartEndpoints): Promise<TokenResult> {
    const now = this.#o.clock.now();
    if (this.#token !== undefined && now < this.#token.until)
      return Promise.resolve({ kind: 'ok', token: this.#token.token });
    this.#token = undefined;
    this.#renewing ??= this.#requestToken(smart).finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  async #requestToken(smart: SmartEndpoints): Promise<TokenResult> {
    const answer = await this.#withRetries(async () => {
      // A fresh assertion (and jti) per attempt: the server refuses a repeated jti.
      const assertion = await clientAssertion(this.#o.signer, {
        clientId: this.#o.clientId,
        tokenEndpoint: smart.tokenEndpoint.href,
        nowMs: this.#o.clock.now(),
        jti: this.#newId(),
      });
      this.tokenRequests += 1;
      return this.#once(
        'POST',
        smart.tokenEndpoint,
        { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        tokenRequestBody(this.#o.scope, assertion),
      );
    });
    if (answer.kind === 'final') {
      // RFC 6749 §5.2: invalid_client (a wrong or expired assertion, an unknown key) is the device's matter.
      const error = (answer.status === 400 || answer.status === 401) && answer.code !== 'not-found';
      return {
        kind: 'failed',
        exchange: { kind: 'final', code: error ? 'device-rejected' : answer.code, status: answer.status },
      };
    }
    if (answer.kind === 'down') return { kind: 'failed', exchange: answer };
    const token = readTokenAnswer(answer.json);
    if (token === undefined)
      return { kind: 'failed', exchange: { kind: 'final', code: 'response-unreadable', status: 200 } };
    this.#token = cachedToken(token.access_token, token.expires_in, this.#o.clock.now());
    return { kind: 'ok', token: token.access_token };
  }

  async #withRetries(attempt: () => Promise<Try>): Promise<Exchange> {
    const { retry } = this.#o;
    let last: 'timeout' | 'unavailable' = 'unavailable';
    for (let n = 1; n <= retry.maxAttempts; n++) {
      const decision = breakerAllows(this.#breaker, this.#o.clock.now(), this.#o.breaker);
      this.#breaker = decision.state;
      if (!decision.allowed) return { kind: 'down', last, breaker: 'open' };
      const result = await attempt();
      if (result.kind === 'tls') {
        // A certificate refused is this link's configuration, not a passing fault: no retry, and
        // the server answered, so the breaker counts it as a success.
        this.#breaker = breakerRecord(this.#breaker, true, this.#o.clock.now(), this.#o.breaker);
        this.#o.logger.warn('fhir tls refusal', { refused: result.refused });
        return {
          kind: 'final',
          code: result.refused === 'device-certificate' ? 'device-rejected' : 'request-rejected',
          status: 0,
        };
      }
      const transient = result.kind !== 'answer' || result.status >= 500 || result.status === 429;
      this.#breaker = breakerRecord(this.#breaker, !transient, this.#o.clock.now(), this.#o.breaker);
      if (result.kind === 'answer' && !transient) {
        const json = parseJson(result.bytes);
        if (result.status >= 200 && result.status < 300) return { kind: 'ok', json, bytes: result.bytes };
        // A refusal: the OperationOutcome's issue code (never its text: it may echo the query) is logged.
        const issue = outcomeIssue(json);
        this.#o.logger.info('fhir refusal', { status: result.status, issue: issue ?? 'none' });
        return { kind: 'final', code: finalCode(result.status, issue), status: result.status };
      }
      last = result.kind === 'timeout' ? 'timeout' : 'unavailable';
      if (this.#breaker.kind === 'open') return { kind: 'down', last, breaker: 'open' };
      if (n < retry.maxAttempts) {
        const header = result.kind === 'answer' ? result.retryAfter : undefined;
        const seconds = header === undefined ? Number.NaN : Number(header);
        await this.#o.timers.sleep(
          backoffDelay(
            n,
            retry,
            this.#o.random,
            Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined,
          ),
        );
      }
    }
    return { kind: 'down', last, breaker: this.#breaker.kind === 'open' ? 'open' : 'closed' };
  }

  async #once(
    method: 'GET' | 'POST',
    url: URL,
    headers: Record<string, string>,
    body?: string,
  ): Promise<Try> {
    const controller = new AbortController();
    let timedOut = false;
    const cancel = this.#o.timers.after(this.#o.timeoutMs, () => {
      timedOut = true;
      controller.abort();
    });
    this.exchanges += 1;
    try {
      const answer = await this.#o.transport({
        method,
        url,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: controller.signal,
      });
      const retryAfter = answer.headers['retry-after'];
      return {
        kind: 'answer',
        status: answer.status,
        bytes: answer.body,
        ...(retryAfter === undefined ? {} : { retryAfter }),
      };
    } catch (e) {
      if (timedOut) return { kind: 'timeout' };
      const refused = tlsRefusal(e);
      return refused === undefined ? { kind: 'network' } : { kind: 'tls', refused };
    } finally {
      cancel();
    }
  }
}
