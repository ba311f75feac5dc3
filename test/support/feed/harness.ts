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
import { MemoryReplayStore } from '../../../src/crypto/index.js';
import type { DemoKeys } from '../../../src/roles/demo-keys.js';
import { feedCodec } from './keys.js';
import type { Pki } from './mosquitto.js';

/** Quick retries so fault tests finish in seconds; production uses DEFAULT_RETRY_POLICY. */
export const FAST_POLICY: RetryPolicy = {
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  ackTimeoutMs: 2_000,
  publishTimeoutMs: 3_000,
};

export interface Endpoint {
  readonly url: string;
  readonly protocolVersion: 4 | 5;
  readonly pki?: Pki;
  /** Key files and the signed directory (test/support/feed/keys.ts): the real envelope codec. */
  readonly keys: DemoKeys;
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

const logger = createLogger({ level: 'warn' });

/** An ambulance's feed as the role runs it: SQLite outbox and replay file in `dir` (memory without one). */
export const unitFeed = async (
  endpoint: Endpoint,
  unitId: string,
  options: {
    dir?: string;
    store?: OutboxStore;
    clock?: Clock;
    ttlMs?: number;
    policy?: RetryPolicy;
    /** Another MQTT client id, to run beside a role that already uses the unit's own. */
    clientId?: string;
  } = {},
) => {
  const dir = options.dir;
  const crypto = await feedCodec(
    endpoint.keys,
    unitId,
    dir === undefined ? { store: new MemoryReplayStore() } : 'file',
    dir ?? '',
    options.clock,
  );
  const link = openLink(endpoint, unitId, options.clientId ?? unitId);
  const store = options.store ?? unwrap(SqliteOutboxStore.open(join(dir ?? '.', 'outbox.sqlite')));
  const { counts, counters } = counting();
  const feed = new AmbulanceFeed({
    unitId,
    codec: crypto.codec,
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
  const close = async (): Promise<void> => {
    feed.stop();
    await link.close();
    store.close();
    crypto.close();
  };
  return { feed, link, store, counts, close };
};

/** A hospital's receiver as the role runs it: inbox, reply outbox, replay check against the inbox. */
export const hospitalFeed = async (
  endpoint: Endpoint,
  hospitalId: string,
  dir: string,
  policy: RetryPolicy = FAST_POLICY,
) => {
  const inbox = unwrap(SqliteInboxStore.open(join(dir, 'inbox.sqlite')));
  const crypto = await feedCodec(endpoint.keys, hospitalId, { inbox }, dir);
  const link = openLink(endpoint, hospitalId);
  const outboxStore = unwrap(SqliteOutboxStore.open(join(dir, 'outbox.sqlite')));
  const { counts, counters } = counting();
  const receiver = new Receiver({
    hospitalId,
    codec: crypto.codec,
    link,
    inbox,
    outboxStore,
    clock: systemClock,
    timers: systemTimers,
    random: Math.random,
    policy,
    maxInFlight: 20,
    replyTtlMs: 3600_000,
    retentionMs: 7 * 86_400_000,
    counters,
    logger,
  });
  return {
    receiver,
    link,
    inbox,
    counts,
    // stop() closes the inbox and the reply outbox.
    close: async () => (receiver.stop(), await link.close()),
  };
};

export const unwrap = <T, E>(r: { ok: true; value: T } | { ok: false; error: E }): T => {
  if (!r.ok) throw new Error(`unexpected failure: ${String(r.error)}`);
  return r.value;
};
