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
  topics,
  type EnvelopeCodec,
  type FeedCounters,
  type MessageHandler,
  type OutboxStore,
  type RejectReason,
  type RetryPolicy,
} from '../../../src/hospital-feed/index.js';
import { createLogger, silentLogger } from '../../../src/log/index.js';
import type { DemoKeys } from '../../../src/roles/demo-keys.js';
import { fakeLink, manualTimers } from './fake-link.js';
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

/**
 * A link with `principal`'s certificate, not yet connected: set its handler (`onMessage`), then
 * `connect()`, as the roles do. `clientId` matters on aedes only: the shipped Mosquitto replaces any
 * client id with the certificate's identity (use_username_as_clientid).
 */
export const openLink = (
  endpoint: Endpoint,
  principal: string,
  clientId = principal,
  presenceTopic?: string,
): BrokerLink =>
  BrokerLink.open({
    url: endpoint.url,
    protocolVersion: endpoint.protocolVersion,
    clientId,
    sessionExpirySeconds: DEFAULT_SESSION_EXPIRY_SECONDS,
    reconnectPeriodMs: 250,
    ...(presenceTopic === undefined ? {} : { presenceTopic }),
    ...(endpoint.pki === undefined
      ? {}
      : {
          caFile: endpoint.pki.ca,
          certFile: endpoint.pki.cert(principal),
          keyFile: endpoint.pki.key(principal),
        }),
  });

/** A connected link with its handler, for a test's own publisher or spy. */
export const connectLink = (
  endpoint: Endpoint,
  principal: string,
  clientId = principal,
  handler: MessageHandler = () => Promise.resolve(),
): BrokerLink => {
  const link = openLink(endpoint, principal, clientId);
  link.onMessage(handler);
  link.connect();
  return link;
};

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

/**
 * An ambulance's feed as the role runs it: SQLite outbox in `dir`, replays checked against the ids
 * of the hospital messages the outbox applied.
 */
export const unitFeed = async (
  endpoint: Endpoint,
  unitId: string,
  options: {
    dir: string;
    store?: OutboxStore;
    clock?: Clock;
    ttlMs?: number;
    policy?: RetryPolicy;
    /** Another MQTT client id, to run beside a role that already uses the unit's own (aedes only). */
    clientId?: string;
  },
) => {
  const store = options.store ?? unwrap(SqliteOutboxStore.open(join(options.dir, 'outbox.sqlite')));
  const crypto = await feedCodec(endpoint.keys, unitId, { outbox: store }, options.clock);
  // Announces its presence as the ambulance role does (src/roles/runtime.ts).
  const link = openLink(endpoint, unitId, options.clientId ?? unitId, topics.unitPresence(unitId));
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
  // The feed set its handler; as the role, connect only now.
  link.connect();
  // stop() closes the outbox.
  const close = async (): Promise<void> => {
    feed.stop();
    await link.close();
    crypto.close();
  };
  return { feed, link, store, counts, close };
};

/**
 * amb-demo-01's feed on `store` with the role's replay check (the ids its outbox applied), on a link
 * the test drives by hand: `deliver` hands it an envelope, `published` lists the topics it sent to.
 */
export const unitOnFakeLink = async (
  keys: DemoKeys,
  store: OutboxStore,
  clock: Clock = systemClock,
  /** Lets a test hold the codec (e.g. a seal that waits) around the real one. */
  wrap: (codec: EnvelopeCodec) => EnvelopeCodec = (codec) => codec,
) => {
  const { codec: real } = await feedCodec(keys, 'amb-demo-01', { outbox: store }, clock);
  const codec = wrap(real);
  const { link, published, subscribed, deliver, deliverOn } = fakeLink();
  const { counts, counters } = counting();
  const feed = new AmbulanceFeed({
    unitId: 'amb-demo-01',
    codec,
    link,
    store,
    clock,
    timers: manualTimers().timers,
    random: () => 0.5,
    newId: randomUUID,
    policy: FAST_POLICY,
    maxInFlight: 20,
    defaultTtlMs: 3600_000,
    counters,
    logger: silentLogger,
  });
  return { feed, published, subscribed, deliver, deliverOn, counts };
};

/** A hospital's receiver as the role runs it: inbox, reply outbox, replay check against the inbox. */
export const hospitalFeed = async (
  endpoint: Endpoint,
  hospitalId: string,
  dir: string,
  policy: RetryPolicy = FAST_POLICY,
  /** Lets a test hold the codec (e.g. an open that waits) around the real one. */
  wrap: (codec: EnvelopeCodec) => EnvelopeCodec = (codec) => codec,
) => {
  const inbox = unwrap(SqliteInboxStore.open(join(dir, 'inbox.sqlite')));
  const crypto = await feedCodec(endpoint.keys, hospitalId, { inbox });
  // Announces its presence as the hospital role does (src/roles/runtime.ts).
  const link = openLink(endpoint, hospitalId, hospitalId, topics.hospitalPresence(hospitalId));
  const outboxStore = unwrap(SqliteOutboxStore.open(join(dir, 'outbox.sqlite')));
  const { counts, counters } = counting();
  /** The topic of each publish of the receiver's that the broker took (PUBACK), in order. */
  const pubacks: string[] = [];
  const receiver = new Receiver({
    hospitalId,
    codec: wrap(crypto.codec),
    link: {
      get isUp() {
        return link.isUp;
      },
      get receiveMaximum() {
        return link.receiveMaximum;
      },
      publish: async (topic, payload) => {
        const sent = await link.publish(topic, payload);
        if (sent.ok) pubacks.push(topic);
        return sent;
      },
      subscribe: (topic) => link.subscribe(topic),
      onMessage: (handler) => link.onMessage(handler),
      on: (event: 'up' | 'down', listener: (arg: never) => void) =>
        link.on(event, listener as (sessionPresent: boolean) => void),
    },
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
  // The receiver set its handler; as the role, connect only now.
  link.connect();
  return {
    receiver,
    link,
    inbox,
    counts,
    pubacks,
    // stop() closes the inbox and the reply outbox.
    close: async () => (receiver.stop(), await link.close()),
  };
};

/**
 * Milliseconds since the epoch with sub-millisecond resolution, comparable across processes on one
 * machine (each process's time origin is read from the same clock): bench:feed times a message from
 * its submit in the bench process to its arrival in a receiver process.
 */
export const epochNow = (): number => performance.timeOrigin + performance.now();

export const unwrap = <T, E>(r: { ok: true; value: T } | { ok: false; error: E }): T => {
  if (!r.ok) throw new Error(`unexpected failure: ${String(r.error)}`);
  return r.value;
};
