import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { err, ok, systemClock, type Clock, type Result } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { Metrics } from '../metrics/index.js';
import { AmbulanceFeed } from './ambulance.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff.js';
import type { EnvelopeCodec } from './codec.js';
import { feedError, type FeedError } from './errors.js';
import type { FeedLink } from './feed-link.js';
import { SqliteInboxStore } from './inbox-sqlite.js';
import { feedCounters } from './incoming.js';
import { SqliteOutboxStore } from './outbox-sqlite.js';
import { systemTimers, type Timers } from './outbox.js';
import { Receiver } from './receiver.js';

export interface FeedSetup {
  /** The role's data directory; the feed keeps its SQLite files here. */
  readonly dataDir: string;
  readonly principalId: string;
  readonly codec: EnvelopeCodec;
  readonly link: FeedLink;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly policy?: RetryPolicy;
  /** Default 20: Mosquitto's default receive maximum; the server's CONNACK value caps it further. */
  readonly maxInFlight?: number;
  /** Default expiry of what is sent: 2 hours for reports, a day for the hospital's replies. */
  readonly ttlMs?: number;
}

export const OUTBOX_FILE = 'feed-outbox.sqlite';
export const INBOX_FILE = 'feed-inbox.sqlite';

const common = (s: FeedSetup) => ({
  codec: s.codec,
  link: s.link,
  clock: s.clock ?? systemClock,
  timers: s.timers ?? systemTimers,
  random: Math.random,
  policy: s.policy ?? DEFAULT_RETRY_POLICY,
  maxInFlight: s.maxInFlight ?? 20,
  logger: s.logger,
  ...(s.metrics === undefined ? {} : { counters: feedCounters(s.metrics) }),
});

export interface AmbulanceSetup extends Omit<FeedSetup, 'codec'> {
  /**
   * The codec, or a factory given the outbox: the ambulance role's codec checks replays against the
   * ids of the hospital's messages the outbox applied, so "seen" and "applied" are one SQLite commit
   * (see docs/protocol.md).
   */
  readonly codec: EnvelopeCodec | ((outbox: SqliteOutboxStore) => EnvelopeCodec);
  /** Configuration `outcomes.retentionHours`: how long the crew sees a hospital's outcome. */
  readonly outcomeRetentionMs?: number;
}

/** The ambulance role's feed, with its outbox in `dataDir`. */
export const openAmbulanceFeed = (s: AmbulanceSetup): Result<AmbulanceFeed, FeedError> => {
  const store = SqliteOutboxStore.open(join(s.dataDir, OUTBOX_FILE));
  if (!store.ok) return err(feedError(store.error));
  const codec = typeof s.codec === 'function' ? s.codec(store.value) : s.codec;
  return ok(
    new AmbulanceFeed({
      ...common({ ...s, codec }),
      unitId: s.principalId,
      store: store.value,
      newId: randomUUID,
      defaultTtlMs: s.ttlMs ?? 2 * 3600_000,
      ...(s.outcomeRetentionMs === undefined ? {} : { outcomeRetentionMs: s.outcomeRetentionMs }),
    }),
  );
};

export interface ReceiverSetup extends Omit<FeedSetup, 'codec'> {
  /**
   * The codec, or a factory given the inbox: the hospital role's codec checks replays against the
   * inbox's stored message ids, so "seen" and "stored" are one SQLite commit (see docs/protocol.md).
   */
  readonly codec: EnvelopeCodec | ((inbox: SqliteInboxStore) => EnvelopeCodec);
  /** Configuration `retentionDays`: how long a report stays in the inbox after its last change. */
  readonly retentionDays: number;
}

/** The hospital role's receiver, with its inbox and reply outbox in `dataDir`. */
export const openReceiver = (s: ReceiverSetup): Result<Receiver, FeedError> => {
  const inbox = SqliteInboxStore.open(join(s.dataDir, INBOX_FILE));
  if (!inbox.ok) return err(feedError(inbox.error));
  const outbox = SqliteOutboxStore.open(join(s.dataDir, OUTBOX_FILE));
  if (!outbox.ok) {
    inbox.value.close();
    return err(feedError(outbox.error));
  }
  const codec = typeof s.codec === 'function' ? s.codec(inbox.value) : s.codec;
  return ok(
    new Receiver({
      ...common({ ...s, codec }),
      hospitalId: s.principalId,
      retentionMs: s.retentionDays * 86_400_000,
      inbox: inbox.value,
      outboxStore: outbox.value,
      replyTtlMs: s.ttlMs ?? 24 * 3600_000,
    }),
  );
};
