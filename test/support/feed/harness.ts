import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { systemClock, type Clock } from '../../../src/core/index.js';
import {
  AmbulanceFeed,
  BrokerLink,
  DEFAULT_SESSION_EXPIRY_SECONDS,
  Receiver,
  SqliteInboxStore,
  SqliteOutboxStore,
  systemTimers,
  type FeedCounters,
  type OutboxStore,
  type RejectReason,
  type RetryPolicy,
} from '../../../src/hospital-feed/index.js';
import { createLogger } from '../../../src/log/index.js';
import type { Pki } from './mosquitto.js';
import { TestEnvelopeCodec } from './test-codec.js';

/** Quick retries so fault tests finish in seconds; production uses DEFAULT_RETRY_POLICY. */
export const FAST_POLICY: RetryPolicy = {
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  ackTimeoutMs: 2_000,
  publishTimeoutMs: 3_000,
};

export const PRINCIPALS = [
  'amb-demo-01',
  'amb-demo-02',
  'hosp-demo-a',
  'hosp-demo-b',
  'dispatch-demo',
] as const;

export interface Endpoint {
  readonly url: string;
  readonly protocolVersion: 4 | 5;
  readonly pki?: Pki;
}

export const openLink = (endpoint: Endpoint, principal: string, clientId = principal): BrokerLink =>
  BrokerLink.open({
    url: endpoint.url,
    protocolVersion: endpoint.protocolVersion,
    clientId,
    sessionExpirySeconds: DEFAULT_SESSION_EXPIRY_SECONDS,
    reconnectPeriodMs: 250,
    ...(endpoint.pki === undefined
      ? {}
      : {
          caFile: endpoint.pki.ca,
          certFile: endpoint.pki.cert(principal),
          keyFile: endpoint.pki.key(principal),
        }),
  });

export interface Counts {
  duplicates: number;
  received: number;
  rejected: Partial<Record<RejectReason, number>>;
}

export const counting = (): { counts: Counts; counters: FeedCounters } => {
  const counts: Counts = { duplicates: 0, received: 0, rejected: {} };
  return {
    counts,
    counters: {
      duplicate: () => void counts.duplicates++,
      received: () => void counts.received++,
      rejected: (reason) => void (counts.rejected[reason] = (counts.rejected[reason] ?? 0) + 1),
    },
  };
};

const known = new Set<string>(PRINCIPALS);
const logger = createLogger({ level: 'warn' });

export const unitFeed = (
  endpoint: Endpoint,
  unitId: string,
  options: { dir?: string; store?: OutboxStore; clock?: Clock; ttlMs?: number; policy?: RetryPolicy } = {},
) => {
  const link = openLink(endpoint, unitId);
  const store = options.store ?? unwrap(SqliteOutboxStore.open(join(options.dir ?? '.', 'outbox.sqlite')));
  const { counts, counters } = counting();
  const feed = new AmbulanceFeed({
    unitId,
    codec: new TestEnvelopeCodec(unitId, known, undefined, options.clock),
    link,
    store,
    clock: options.clock ?? systemClock,
    timers: systemTimers,
    random: Math.random,
    newId: randomUUID,
    policy: options.policy ?? FAST_POLICY,
    maxInFlight: 20,
    defaultTtlMs: options.ttlMs ?? 3600_000,
    counters,
    logger,
  });
  return { feed, link, store, counts, close: async () => (feed.stop(), await link.close(), store.close()) };
};

export const hospitalFeed = (
  endpoint: Endpoint,
  hospitalId: string,
  dir: string,
  policy: RetryPolicy = FAST_POLICY,
) => {
  const link = openLink(endpoint, hospitalId);
  const inbox = unwrap(SqliteInboxStore.open(join(dir, 'inbox.sqlite')));
  const outboxStore = unwrap(SqliteOutboxStore.open(join(dir, 'outbox.sqlite')));
  const { counts, counters } = counting();
  const receiver = new Receiver({
    hospitalId,
    codec: new TestEnvelopeCodec(hospitalId, known),
    link,
    inbox,
    outboxStore,
    clock: systemClock,
    timers: systemTimers,
    random: Math.random,
    policy,
    maxInFlight: 20,
    replyTtlMs: 3600_000,
    counters,
    logger,
  });
  return {
    receiver,
    link,
    inbox,
    counts,
    close: async () => (receiver.stop(), await link.close(), inbox.close(), outboxStore.close()),
  };
};

export const unwrap = <T, E>(r: { ok: true; value: T } | { ok: false; error: E }): T => {
  if (!r.ok) throw new Error(`unexpected failure: ${String(r.error)}`);
  return r.value;
};
