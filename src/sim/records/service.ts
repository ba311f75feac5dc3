import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as v from 'valibot';
import type { Clock } from '../../core/index.js';
import type { Logger } from '../../log/index.js';
import {
  SERVICE_REFUSALS,
  SignedEnvelope,
  WireRequest,
  frameAnswer,
  subjectDigest,
  type ServiceRefusal,
} from '../../records/index.js';
import { cardholder } from '../population.js';
import { medicalRecord, type CardStatus } from './medical-record.js';
import type { CardCheck, RequestVerifier, ResponseSealer } from './ports.js';
import { recordBundle } from './record-bundle.js';

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
 * The reference records service: `POST /records/v1/summary` (docs/records.md). It answers from the
 * deterministic synthetic population; refusals carry only an outcome code, never submitted input.
 */
export const recordsService = (options: RecordsServiceOptions): Hono => {
  const faults = options.faults ?? NO_FAULTS;
  const maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
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

  const app = new Hono();
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.post(
    '/records/v1/summary',
    bodyLimit({ maxSize: 64 * 1024, onError: (c) => refuse(c, 'bad-request') }),
    async (c) => {
      if (faults.latencyMs > 0) await options.sleep(faults.latencyMs, c.req.raw.signal);
      const envelope = v.safeParse(SignedEnvelope, await c.req.json().catch(() => undefined));
      if (!envelope.success) return refuse(c, 'bad-request');
      const bytes = decode(envelope.output.request);
      const signer = await options.verifier.verify(
        bytes,
        decode(envelope.output.signature),
        envelope.output.keyId,
      );
      if (signer === undefined) return refuse(c, 'unauthorized');
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        return refuse(c, 'bad-request');
      }
      const request = v.safeParse(WireRequest, json);
      if (!request.success) return refuse(c, 'bad-request');
      const r = request.output;
      // The unit the answer will be bound to must be the one whose key signed: no unit speaks for another.
      if (
        r.unit !== signer ||
        r.audience !== options.principalId ||
        Math.abs(Date.parse(r.issuedAt) - options.clock.now()) > maxSkewMs
      )
        return refuse(c, 'unauthorized');

      if (options.random() < faults.errorRate) {
        log.info('fault: error');
        return refuse(c, 'unavailable');
      }
      if (options.random() < faults.timeoutRate) {
        log.info('fault: timeout');
        await options.sleep(options.hangMs ?? 60_000, c.req.raw.signal);
        return c.body(null, 504);
      }
      const card = options.cards.check(r.identity, options.clock.now());
      if (card !== undefined) return refuse(c, card);
      const index = indexOf(r.identity.certificateSerial);
      if (index === undefined) return refuse(c, 'not-found');
      const record = medicalRecord(options.seed, index);
      const refusal = refusalFor(record.status);
      if (refusal !== undefined) return refuse(c, refusal);

      const bundle = recordBundle(record, new Date(options.clock.now()).toISOString());
      if (options.random() < faults.truncateRate) {
        log.info('fault: truncated bundle');
        const entries = bundle['entry'] as unknown[];
        bundle['entry'] = entries.slice(0, Math.ceil(entries.length * 0.6));
      }
      // Bound to this request, card and unit inside the signed part (docs/records.md, "The sealed answer").
      const answer = frameAnswer(
        {
          v: 1,
          requestId: r.requestId,
          subject: subjectDigest({ kind: 'jpki-serial', serial: r.identity.certificateSerial }),
          unit: r.unit,
        },
        new TextEncoder().encode(JSON.stringify(bundle)),
      );
      const sealed = await options.sealer.seal(answer, envelope.output.keyId);
      log.info('summary served', { unit: r.unit, consent: r.consent.basis, mode: r.identity.mode });
      return c.body(sealed as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/octet-stream' });
    },
  );
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
