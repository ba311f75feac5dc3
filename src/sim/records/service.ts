import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import type { Clock } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import {
  SERVICE_REFUSALS,
  SignedEnvelope,
  WireLookupRequest,
  WireRequest,
  candidateSubject,
  frameAnswer,
  subjectDigest,
  type ServiceRefusal,
  type SubjectRef,
} from '../../records/index.js';
import { cardholder } from '../population.js';
import { medicalRecord, type CardStatus } from './medical-record.js';
import type { CardCheck, RequestVerifier, ResponseSealer } from './ports.js';
import { recordBundle } from './record-bundle.js';
import { LookupDesk, holderIndexOf, type LookupDeskOptions } from './lookup-desk.js';

/** Fault modes, for demos, tests and benchmarks. Rates are probabilities per request. */
export interface FaultModes {
  /** Added before every answer. */
  readonly latencyMs: number;
  /** 503 with Retry-After: 1. */
  readonly errorRate: number;
  /** No answer until the client gives up (or `hangMs` passes, then 504). */
  readonly timeoutRate: number;
  /** The Bundle loses its last 40 % of entries, as a records service cut off mid-assembly would send. */
  readonly truncateRate: number;
}

export const NO_FAULTS: FaultModes = { latencyMs: 0, errorRate: 0, timeoutRate: 0, truncateRate: 0 };

export interface RecordsServiceOptions {
  readonly seed: number;
  /** Holders 0..populationSize-1 of the seed have records; any other certificate is not found. */
  readonly populationSize: number;
  /** This service's principal id: requests must name it as their audience. */
  readonly principalId: string;
  readonly verifier: RequestVerifier;
  readonly sealer: ResponseSealer;
  readonly cards: CardCheck;
  readonly clock: Clock;
  /** Uniform in [0, 1): draws the faults. */
  readonly random: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly logger: Logger;
  readonly faults?: FaultModes;
  /** How long a `timeout` fault holds the request at most. */
  readonly hangMs?: number;
  /** Accepted clock skew of a request's issuedAt. */
  readonly maxSkewMs?: number;
  /** Card-less lookups per crew member of a unit (default `DEFAULT_LOOKUP_LIMIT`). */
  readonly lookupLimit?: LookupDeskOptions['lookupLimit'];
}

/** Holder statuses map onto the API's refusals. */
const refusalFor = (status: CardStatus): ServiceRefusal | undefined => {
  switch (status) {
    case 'active':
      return undefined;
    case 'suspended':
      return 'card-suspended';
    case 'revoked':
      return 'card-revoked';
    case 'certificate-expired':
      return 'certificate-expired';
    case 'no-eligibility':
      return 'no-eligibility';
    default:
      return status satisfies never;
  }
};

const refuse = (c: Context, outcome: ServiceRefusal): Response =>
  c.json({ outcome }, SERVICE_REFUSALS[outcome], outcome === 'unavailable' ? { 'retry-after': '1' } : {});

const decode = (b64url: string): Uint8Array => new Uint8Array(Buffer.from(b64url, 'base64url'));

/**
 * The signed envelope of a request (the summary's and the lookup's alike): the device's signature
 * over the request bytes, the request parsed with `schema`, the unit the signing key belongs to, this
 * service as audience, issuedAt within the skew. Gives the request and the signing key id, or the refusal.
 */
const signedRequest = async <T extends { unit: string; audience: string; issuedAt: string }>(
  c: Context,
  options: RecordsServiceOptions,
  schema: v.GenericSchema<unknown, T>,
): Promise<{ ok: true; request: T; keyId: string } | { ok: false; refusal: ServiceRefusal }> => {
  const envelope = v.safeParse(SignedEnvelope, await c.req.json().catch(() => undefined));
  if (!envelope.success) return { ok: false, refusal: 'bad-request' };
  const bytes = decode(envelope.output.request);
  const signer = await options.verifier.verify(
    bytes,
    decode(envelope.output.signature),
    envelope.output.keyId,
  );
  if (signer === undefined) return { ok: false, refusal: 'unauthorized' };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { ok: false, refusal: 'bad-request' };
  }
  const request = v.safeParse(schema, json);
  if (!request.success) return { ok: false, refusal: 'bad-request' };
  const r = request.output;
  // The unit the answer will be bound to must be the one whose key signed: no unit speaks for another.
  if (
    r.unit !== signer ||
    r.audience !== options.principalId ||
    Math.abs(Date.parse(r.issuedAt) - options.clock.now()) > (options.maxSkewMs ?? 5 * 60_000)
  )
    return { ok: false, refusal: 'unauthorized' };
  return { ok: true, request: r, keyId: envelope.output.keyId };
};

/**
 * The reference records service: `POST /records/v1/summary` and `POST /records/v1/lookup`
 * (docs/records.md). It answers from the deterministic synthetic population and its register
 * (namesakes included); refusals carry only an outcome code, never submitted input.
 */
export const recordsService = (options: RecordsServiceOptions): Hono => {
  const faults = options.faults ?? NO_FAULTS;
  const log = options.logger.child({ component: 'records-sim' });
  let serials: Map<string, number> | undefined;
  const indexOf = (serial: string): number | undefined => {
    serials ??= new Map(
      Array.from({ length: options.populationSize }, (_, i) => [
        cardholder(options.seed, i).certificateSerial,
        i,
      ]),
    );
    return serials.get(serial);
  };
  const lookups = new LookupDesk({ ...options, logger: log });

  /** The fault draws every request takes (demos, tests, benchmarks). */
  const fault = async (c: Context): Promise<Response | undefined> => {
    if (options.random() < faults.errorRate) {
      log.info('fault: error');
      return refuse(c, 'unavailable');
    }
    if (options.random() < faults.timeoutRate) {
      log.info('fault: timeout');
      await options.sleep(options.hangMs ?? 60_000, c.req.raw.signal);
      return c.body(null, 504);
    }
    return undefined;
  };
  const limit = bodyLimit({ maxSize: 64 * 1024, onError: (c) => refuse(c, 'bad-request') });

  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.post('/records/v1/lookup', limit, async (c) => {
    if (faults.latencyMs > 0) await options.sleep(faults.latencyMs, c.req.raw.signal);
    const signed = await signedRequest(c, options, WireLookupRequest);
    if (!signed.ok) return refuse(c, signed.refusal);
    const faulted = await fault(c);
    if (faulted !== undefined) return faulted;
    const answered = lookups.answer(signed.request);
    if (!answered.ok) {
      const why = answered.error;
      return why === 'too-little'
        ? refuse(c, 'bad-request')
        : c.json({ outcome: why.code }, SERVICE_REFUSALS[why.code], {
            'retry-after': String(Math.ceil(why.retryAfterMs / 1000)),
          });
    }
    const sealed = await options.sealer.seal(answered.value, signed.keyId);
    return c.body(sealed as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream' });
  });
  app.post('/records/v1/summary', limit, async (c) => {
    if (faults.latencyMs > 0) await options.sleep(faults.latencyMs, c.req.raw.signal);
    const signed = await signedRequest(c, options, WireRequest);
    if (!signed.ok) return refuse(c, signed.refusal);
    const r = signed.request;
    const faulted = await fault(c);
    if (faulted !== undefined) return faulted;

    let index: number | undefined;
    let subject: SubjectRef;
    if (r.identity.mode === 'candidate') {
      // A confirmed lookup candidate: the service's own ref, for the unit it answered only.
      const person = lookups.resolve(r.identity.ref, r.unit);
      index = person === undefined ? undefined : holderIndexOf(person);
      subject = candidateSubject(r.identity.ref);
    } else {
      const card = options.cards.check(r.identity, options.clock.now());
      if (card !== undefined) return refuse(c, card);
      index = indexOf(r.identity.certificateSerial);
      subject = { kind: 'jpki-serial', serial: r.identity.certificateSerial };
    }
    if (index === undefined) return refuse(c, 'not-found');
    const record = medicalRecord(options.seed, index);
    const refusal = refusalFor(record.status);
    // Without a card, the card's own state (suspended, revoked, expired) says nothing of the records.
    if (refusal !== undefined && (r.identity.mode !== 'candidate' || refusal === 'no-eligibility'))
      return refuse(c, refusal);

    const bundle = recordBundle(record, new Date(options.clock.now()).toISOString());
    if (options.random() < faults.truncateRate) {
      log.info('fault: truncated bundle');
      const entries = bundle['entry'] as unknown[];
      bundle['entry'] = entries.slice(0, Math.ceil(entries.length * 0.6));
    }
    // Bound to this request, patient and unit inside the signed part (docs/records.md, "The sealed answer").
    const answer = frameAnswer(
      { v: 1, requestId: r.requestId, subject: subjectDigest(subject), unit: r.unit },
      new TextEncoder().encode(JSON.stringify(bundle)),
    );
    const sealed = await options.sealer.seal(answer, signed.keyId);
    log.info('summary served', { unit: r.unit, consent: r.consent.basis, mode: r.identity.mode });
    return c.body(sealed as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream' });
  });
  return app;
};

/** Waits `ms`, or less if the signal aborts (a client that gave up). */
export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const handle = setTimeout(done, ms);
    function done(): void {
      clearTimeout(handle);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
