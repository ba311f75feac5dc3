import { EventEmitter } from 'node:events';
import type { Clock, Result } from '../core/index.js';
import { inFlightWindow, type RetryPolicy } from './backoff.js';
import type { StorageErrorCode } from './errors.js';
import type { LinkFailure } from './link.js';
import {
  isDue,
  isTerminal,
  laneOf,
  transition,
  type Lane,
  type OutboxEntry,
  type TransportEvent,
} from './outbox-state.js';
import type { OutboxChange, OutboxStore } from './outbox-store.js';
import type { ReportRecord } from './report-state.js';

/** The link as the outbox needs it (BrokerLink in production). */
export interface PublishLink {
  readonly isUp: boolean;
  readonly receiveMaximum: number | undefined;
  publish(topic: string, payload: Uint8Array): Promise<Result<void, LinkFailure>>;
  on(event: 'up', listener: (sessionPresent: boolean) => void): unknown;
  on(event: 'down', listener: (reason: string) => void): unknown;
}

/** Injected timers, so retries and timeouts are testable without sleeping. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Bulk envelopes (attachment chunks) in flight at most: each is up to ~200 KiB, so two keep a link
 * busy while leaving every other slot of the window to reports (docs/protocol.md, "Attachments").
 */
export const BULK_IN_FLIGHT = 2;

export interface OutboxEvents {
  /** The transport of an entry changed (also `sent` and `at-broker`, which are kept in memory only). */
  transport: [entry: OutboxEntry];
  /** A terminal change could not be stored; the entry stays live and is retried. */
  'storage-error': [code: StorageErrorCode];
}

export interface OutboxOptions {
  readonly store: OutboxStore;
  readonly link: PublishLink;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: () => number;
  readonly policy: RetryPolicy;
  /** Upper bound on publishes in flight, further capped by the server's receive maximum. */
  readonly maxInFlight: number;
  /** The report record to store atomically with a terminal change of its entry, if any. */
  readonly reportFor?: (entry: OutboxEntry) => ReportRecord | undefined;
}

/**
 * Sends what the store holds until each envelope is acknowledged or expires. What is on disk is the
 * truth: `queued`, `sent` and `at-broker` are tracked in memory and only terminal changes are
 * written, so a restart simply publishes every live entry again (same bytes, same message id; the
 * receiver de-duplicates).
 */
export class Outbox extends EventEmitter<OutboxEvents> {
  readonly #o: OutboxOptions;
  readonly #live = new Map<string, OutboxEntry>();
  /**
   * messageId → attempt token of the publish in flight (a late PUBACK with an old token is ignored),
   * and whether its recipient came back meanwhile (`recipientBack`: due again at its PUBACK).
   */
  readonly #inFlight = new Map<string, { token: number; timer: unknown; recipientBack?: true }>();
  #token = 0;
  /** Acknowledged entries not yet stored as such: one write for all that came together. */
  readonly #acked = new Set<string>();
  #wake: unknown;
  #wakeAt = Number.POSITIVE_INFINITY;
  /**
   * Lower bounds that spare the pump a scan of every live entry each time it runs (one run per PUBACK:
   * a drain of n entries cost n² without them, bench:feed). No live entry expires before
   * `#expiryFrom`; no entry changed since the wake timer was set wants waking before `#wakeFrom`.
   * Each is exact after the scan it guards and only ever lowered between scans, so a removed entry
   * costs at most one scan too many, never a late expiry or retry.
   */
  #expiryFrom = Number.NEGATIVE_INFINITY;
  #wakeFrom = Number.NEGATIVE_INFINITY;
  #running = false;

  constructor(options: OutboxOptions) {
    super();
    this.#o = options;
  }

  /** Loads the live entries from the store (after a restart every one is queued) and starts sending. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#expiryFrom = Number.NEGATIVE_INFINITY;
    this.#wakeFrom = Number.NEGATIVE_INFINITY;
    for (const entry of this.#o.store.live())
      this.#live.set(entry.messageId, { ...entry, transport: 'queued' });
    // Without our session the broker lost its state (a kill -9 before its autosave): what it took for
    // recipients that were away may be gone with it, so that is published again too.
    this.#o.link.on('up', (sessionPresent) =>
      sessionPresent ? this.#pump() : this.#resendTaken(() => true),
    );
    this.#o.link.on('down', () => {
      for (const id of [...this.#inFlight.keys()]) this.#finish(id, undefined, { type: 'publish-failed' });
    });
    this.#pump();
  }

  stop(): void {
    this.#running = false;
    if (this.#wake !== undefined) this.#o.timers.clearTimeout(this.#wake);
    this.#wake = undefined;
    for (const { timer } of this.#inFlight.values()) this.#o.timers.clearTimeout(timer);
    this.#inFlight.clear();
  }

  /**
   * Stores new entries (and marks those they supersede) in one durable write, with the form keys
   * that made them or the conversation messages they carry; only then are they accepted. On a storage error nothing is accepted and nothing
   * changes.
   */
  add(
    entries: readonly OutboxEntry[],
    supersedes: readonly string[],
    reports: readonly ReportRecord[],
    keys: Omit<OutboxChange, 'entries' | 'reports'> = {},
  ): Result<void, StorageErrorCode> {
    const superseded = supersedes
      .map((id) => this.#live.get(id))
      .filter((e): e is OutboxEntry => e !== undefined)
      .map((e) => this.#apply(e, { type: 'superseded' }));
    const written = this.#o.store.write({ entries: [...entries, ...superseded], reports, ...keys });
    if (!written.ok) return written;
    for (const e of superseded) this.#settle(e);
    for (const e of entries) {
      this.#live.set(e.messageId, e);
      this.#noteWake(e);
    }
    this.#pump();
    return written;
  }

  /**
   * The recipient's signed acknowledgement: the entry leaves the outbox. The acknowledgements that
   * arrive together are stored in one write (one fsync) once the event loop has handled what it read:
   * an acknowledgement lost to a crash before that write costs one more send of the entry, which the
   * recipient de-duplicates and acknowledges again, so it need not be on disk before its PUBACK.
   * The entry stays live (and shown as it was) until the write succeeded.
   */
  acknowledge(messageId: string): void {
    if (!this.#live.has(messageId)) return;
    if (this.#acked.size === 0) setImmediate(() => this.#storeAcknowledged());
    this.#acked.add(messageId);
  }

  #storeAcknowledged(): void {
    const ids = [...this.#acked];
    this.#acked.clear();
    if (!this.#running) return;
    const done = ids
      .map((id) => this.#live.get(id))
      .filter((e): e is OutboxEntry => e !== undefined)
      .map((e) => this.#apply(e, { type: 'acknowledged' }));
    // Only the acknowledgement of a report's latest envelope changes its record (onTransport).
    const reports = new Map<string, ReportRecord>();
    for (const e of done) {
      const r = this.#o.reportFor?.(e);
      if (r !== undefined && (!reports.has(r.reportId) || r.latestMessageId === e.messageId))
        reports.set(r.reportId, r);
    }
    if (done.length === 0) return;
    // Without its own fsync: it costs a send again at worst (above), and the fsync was the unit's
    // third per report, in the way of the next report's (bench:feed).
    const written = this.#o.store.write({
      entries: done,
      reports: [...reports.values()],
      durability: 'process',
    });
    if (!written.ok) {
      this.emit('storage-error', written.error);
      return;
    }
    for (const e of done) this.#settle(e);
    // An acknowledgement can end an entry whose publish is still in flight (a resend whose PUBACK has
    // not come yet): its slot is free now, and its PUBACK, when it comes, finds nothing to finish, so
    // nothing else would send the entries waiting for that slot (they are due: no timer is set).
    this.#pump();
  }

  /**
   * The recipient made its subscriptions anew (a new presence epoch, presence.ts): what the broker
   * took for it before (`at-broker`, or still waiting for its PUBACK) may have been dropped for want
   * of a subscriber, so it is published again now rather than after the acknowledgement wait. The
   * receiver de-duplicates; a forged or repeated presence costs one resend.
   */
  recipientBack(to: string): void {
    this.#resendTaken((e) => e.to === to);
  }

  #resendTaken(which: (entry: OutboxEntry) => boolean): void {
    if (!this.#running) return;
    const now = this.#o.clock.now();
    for (const entry of this.#live.values()) {
      // Past its expiry it is the pump's to expire (and store).
      if (!which(entry) || now >= entry.expiresAt) continue;
      const flight = this.#inFlight.get(entry.messageId);
      if (flight !== undefined) flight.recipientBack = true;
      else this.#settle(this.#apply(entry, { type: 'recipient-back' }));
    }
    this.#pump();
  }

  /** A live entry with its current (in-memory) transport. */
  get(messageId: string): OutboxEntry | undefined {
    return this.#live.get(messageId);
  }

  /** Live entries with their current (in-memory) transport. */
  entries(): readonly OutboxEntry[] {
    return [...this.#live.values()];
  }

  /** How many entries are live (not yet acknowledged, expired or superseded), without copying them. */
  get size(): number {
    return this.#live.size;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  #apply(entry: OutboxEntry, event: TransportEvent): OutboxEntry {
    return transition(entry, event, {
      now: this.#o.clock.now(),
      policy: this.#o.policy,
      random: this.#o.random,
    });
  }

  /** Records an in-memory change; terminal entries leave the live set and any publish in flight. */
  #settle(next: OutboxEntry): void {
    const previous = this.#live.get(next.messageId);
    if (isTerminal(next.transport)) {
      this.#live.delete(next.messageId);
      const flight = this.#inFlight.get(next.messageId);
      if (flight !== undefined) this.#o.timers.clearTimeout(flight.timer);
      this.#inFlight.delete(next.messageId);
    } else {
      this.#live.set(next.messageId, next);
      this.#noteWake(next);
    }
    if (previous?.transport !== next.transport) this.emit('transport', next);
  }

  #pump(): void {
    if (!this.#running) return;
    const now = this.#o.clock.now();
    const expired: OutboxEntry[] = [];
    if (now >= this.#expiryFrom) {
      let from = Number.POSITIVE_INFINITY;
      for (const entry of this.#live.values())
        if (now >= entry.expiresAt && !this.#inFlight.has(entry.messageId))
          expired.push(this.#apply(entry, { type: 'tick' }));
        else from = Math.min(from, entry.expiresAt);
      this.#expiryFrom = from;
    }
    if (expired.length > 0) {
      const reports = expired
        .map((e) => this.#o.reportFor?.(e))
        .filter((r): r is ReportRecord => r !== undefined);
      const written = this.#o.store.write({ entries: expired, reports });
      if (written.ok) for (const e of expired) this.#settle(e);
      else {
        // Still live and past their expiry: the next pump must look for them again.
        this.#expiryFrom = Number.NEGATIVE_INFINITY;
        this.emit('storage-error', written.error);
      }
    }
    if (this.#o.link.isUp) {
      const window = inFlightWindow(this.#o.link.receiveMaximum, this.#o.maxInFlight);
      // Urgent first: a bulk envelope only gets a slot no due report wants, and a few at most.
      const bulkWindow = Math.max(1, Math.min(BULK_IN_FLIGHT, window - 1));
      let bulk = this.#inFlightIn('bulk');
      for (const lane of ['urgent', 'bulk'] as const satisfies readonly Lane[])
        for (const entry of this.#live.values()) {
          if (this.#inFlight.size >= window || (lane === 'bulk' && bulk >= bulkWindow)) break;
          if (laneOf(entry) !== lane || this.#inFlight.has(entry.messageId) || !isDue(entry, now)) continue;
          this.#send(entry);
          if (lane === 'bulk') bulk += 1;
        }
    }
    this.#scheduleWake(now);
  }

  #inFlightIn(lane: Lane): number {
    let n = 0;
    for (const id of this.#inFlight.keys()) {
      const entry = this.#live.get(id);
      if (entry !== undefined && laneOf(entry) === lane) n += 1;
    }
    return n;
  }

  #send(entry: OutboxEntry): void {
    const token = ++this.#token;
    const timer = this.#o.timers.setTimeout(
      () => this.#finish(entry.messageId, token, { type: 'publish-failed' }),
      this.#o.policy.publishTimeoutMs,
    );
    this.#inFlight.set(entry.messageId, { token, timer });
    this.#settle(this.#apply(entry, { type: 'publish-started' }));
    void this.#o.link
      .publish(entry.topic, entry.bytes)
      .then((r) =>
        this.#finish(entry.messageId, token, r.ok ? { type: 'puback' } : { type: 'publish-failed' }),
      );
  }

  /** Ends a publish attempt. `token` undefined ends whatever is in flight (the link went down). */
  #finish(messageId: string, token: number | undefined, event: TransportEvent): void {
    const flight = this.#inFlight.get(messageId);
    if (flight === undefined || (token !== undefined && flight.token !== token)) return;
    this.#o.timers.clearTimeout(flight.timer);
    this.#inFlight.delete(messageId);
    const entry = this.#live.get(messageId);
    if (entry !== undefined) {
      const next = this.#apply(entry, event);
      // Expired while in flight: a terminal change, so it is left to #pump, which stores it (with its
      // report) before it is shown; settled here it would be shown and never written.
      if (!isTerminal(next.transport))
        this.#settle(flight.recipientBack === true ? this.#apply(next, { type: 'recipient-back' }) : next);
    }
    this.#pump();
  }

  /** A live entry changed or came: it may want waking before the timer set. */
  #noteWake(entry: OutboxEntry): void {
    this.#expiryFrom = Math.min(this.#expiryFrom, entry.expiresAt);
    // As the scan below counts it: a retry already due waits for a slot, not for the timer.
    const retryAt =
      entry.nextAttemptAt > this.#o.clock.now() ? entry.nextAttemptAt : Number.POSITIVE_INFINITY;
    this.#wakeFrom = Math.min(this.#wakeFrom, entry.expiresAt, retryAt);
  }

  /** One timer, at the earliest retry or expiry among entries not in flight. */
  #scheduleWake(now: number): void {
    // Nothing changed since the timer was set wants it earlier: it stands (at worst it wakes a pump
    // for an entry gone meanwhile, which sets it again from a scan).
    if (this.#wake !== undefined && this.#wakeFrom >= this.#wakeAt) return;
    this.#wakeFrom = Number.POSITIVE_INFINITY;
    let at = Number.POSITIVE_INFINITY;
    for (const e of this.#live.values()) {
      if (this.#inFlight.has(e.messageId)) continue;
      // Entries already due wait for a free slot or the link: `#finish` and `up` pump again.
      const retryAt = e.nextAttemptAt > now ? e.nextAttemptAt : Number.POSITIVE_INFINITY;
      at = Math.min(at, e.expiresAt, retryAt);
    }
    if (at === this.#wakeAt && this.#wake !== undefined) return;
    if (this.#wake !== undefined) this.#o.timers.clearTimeout(this.#wake);
    this.#wake = undefined;
    this.#wakeAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#wake = this.#o.timers.setTimeout(
      () => {
        this.#wake = undefined;
        this.#wakeAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(0, at - now),
    );
  }
}
