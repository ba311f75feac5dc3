import { LRUCache } from 'lru-cache';
import { err, ok, type Clock, type Result } from '../core/index.js';
import { sodium } from '../crypto/index.js';
import { ENTRY_OVERHEAD_BYTES, validateLimits, type CacheConfigError, type CacheLimits } from './limits.js';
import { noopObserver, type CacheObserver, type RemovalReason } from './observer.js';

const NONCE_BYTES = 24;
const KEY_BYTES = 32;

export interface SummaryCacheOptions extends CacheLimits {
  readonly clock: Clock;
  readonly observer?: CacheObserver;
  /** Called with each stored buffer right after it was zeroed: lets tests and audits see the wipe. */
  readonly onWipe?: (wiped: Uint8Array) => void;
}

export const CacheErrorCode = { ENTRY_TOO_LARGE: 'CACHE_ENTRY_TOO_LARGE' } as const;
export type CacheErrorCode = (typeof CacheErrorCode)[keyof typeof CacheErrorCode];

/** Opaque ids only (they become map keys): a card session id, a slot name like `summary`. */
const ID = /^[A-Za-z0-9_.-]{1,128}$/;
const SEPARATOR = '/';

const entryKey = (session: string, slot: string): string => {
  if (!ID.test(session) || !ID.test(slot)) throw new RangeError('cache ids must be opaque tokens');
  return `${session}${SEPARATOR}${slot}`;
};

const reasonOf = (reason: LRUCache.DisposeReason): RemovalReason => {
  switch (reason) {
    case 'evict':
      return 'capacity';
    case 'expire':
      return 'expired';
    case 'set':
      return 'replaced';
    case 'delete':
      return 'purged';
    case 'fetch':
      // No fetchMethod is configured, so this cannot happen; counted as a purge if it ever does.
      return 'purged';
    default:
      return reason satisfies never;
  }
};

/**
 * The emergency summaries of the card sessions on a tablet, bounded by entries, bytes and time.
 * Only ciphertext is stored: each value is crypto_secretbox'ed under a random per-process key held
 * here, outside the LRU; a heap dump of the cache alone reveals nothing. Every stored buffer is
 * zeroed when it leaves (eviction, expiry, replacement, purge). `get` returns a fresh plaintext
 * copy, which the caller should wipe when done (best effort, see field-notes).
 */
export class SummaryCache {
  readonly #lru: LRUCache<string, Uint8Array>;
  readonly #observer: CacheObserver;
  readonly #maxEntryBytes: number;
  #key: Uint8Array = sodium.randomBytes(KEY_BYTES);
  /** The entry keys of each card session, stale ones included, kept in step by set and dispose. */
  readonly #sessions = new Map<string, Set<string>>();

  private constructor(limits: Required<CacheLimits>, options: SummaryCacheOptions) {
    this.#observer = options.observer ?? noopObserver;
    this.#maxEntryBytes = limits.maxEntryBytes;
    const origin = options.clock.now();
    const onWipe = options.onWipe;
    this.#lru = new LRUCache<string, Uint8Array>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      maxEntrySize: limits.maxEntryBytes,
      sizeCalculation: (value) => value.byteLength,
      ttl: limits.ttlMs,
      // lru-cache treats a start time of 0 as "no TTL", so the injected clock is offset to start at 1;
      // ttlResolution 0 stops it caching "now" behind a real timer.
      perf: { now: () => Math.max(1, options.clock.now() - origin + 1) },
      ttlResolution: 0,
      ttlAutopurge: false,
      updateAgeOnGet: false,
      allowStale: false,
      dispose: (value, key, reason) => {
        if (reason !== 'set') this.#forget(key);
        sodium.memzero(value);
        onWipe?.(value);
        this.#observer.removed(reasonOf(reason));
      },
    });
  }

  /** Refuses unbounded or nonsensical limits with a typed error listing every problem. */
  static create(options: SummaryCacheOptions): Result<SummaryCache, CacheConfigError> {
    const limits = validateLimits(options);
    return limits.ok ? ok(new SummaryCache(limits.value, options)) : limits;
  }

  /**
   * Stores a value for a card session. A value too large for one entry is refused and any older
   * value in that slot removed, since it no longer holds the latest data.
   */
  set(session: string, slot: string, plaintext: Uint8Array): Result<void, CacheErrorCode> {
    const key = entryKey(session, slot);
    if (plaintext.byteLength + ENTRY_OVERHEAD_BYTES > this.#maxEntryBytes) {
      this.#lru.delete(key);
      this.#report();
      return err(CacheErrorCode.ENTRY_TOO_LARGE);
    }
    const nonce = sodium.randomBytes(NONCE_BYTES);
    const box = sodium.secretboxEasy(plaintext, nonce, this.#key);
    const stored = new Uint8Array(NONCE_BYTES + box.byteLength);
    stored.set(nonce);
    stored.set(box, NONCE_BYTES);
    sodium.memzero(box);
    this.#lru.set(key, stored);
    if (this.#lru.peek(key, { allowStale: true }) !== undefined) {
      const keys = this.#sessions.get(session) ?? new Set<string>();
      keys.add(key);
      this.#sessions.set(session, keys);
    }
    this.#report();
    return ok(undefined);
  }

  /** A decrypted copy, or `undefined` when absent or expired. */
  get(session: string, slot: string): Uint8Array | undefined {
    const stored = this.#lru.get(entryKey(session, slot));
    if (stored === undefined) {
      this.#observer.miss();
      this.#report();
      return undefined;
    }
    const plain = sodium.secretboxOpenEasy(
      stored.subarray(NONCE_BYTES),
      stored.subarray(0, NONCE_BYTES),
      this.#key,
    );
    // Only our own key ever wrote here; a failure means memory corruption, not a cache miss.
    if (plain === null) throw new Error('summary cache entry failed authentication');
    this.#observer.hit();
    return plain;
  }

  /** Handover: removes and wipes every entry of one card session; returns how many. */
  purgeSession(session: string): number {
    // Our own key index, not lru.keys(): that skips expired entries, which would outlive the handover.
    const doomed = [...(this.#sessions.get(session) ?? [])];
    for (const key of doomed) this.#lru.delete(key);
    this.#report();
    return doomed.length;
  }

  /** Shift end: removes and wipes everything and replaces the cache key; returns how many entries. */
  purgeAll(): number {
    const count = this.#lru.size;
    this.#lru.clear();
    sodium.memzero(this.#key);
    this.#key = sodium.randomBytes(KEY_BYTES);
    this.#report();
    return count;
  }

  /** Removes and wipes expired entries; lru-cache would otherwise drop them only when touched. */
  sweep(): number {
    const before = this.#lru.size;
    this.#lru.purgeStale();
    this.#report();
    return before - this.#lru.size;
  }

  /** Purges everything and wipes the key; the cache must not be used afterwards. */
  close(): void {
    this.#lru.clear();
    sodium.memzero(this.#key);
    this.#report();
  }

  get entries(): number {
    return this.#lru.size;
  }

  get bytes(): number {
    return this.#lru.calculatedSize;
  }

  #forget(key: string): void {
    const session = key.slice(0, key.indexOf(SEPARATOR));
    const keys = this.#sessions.get(session);
    keys?.delete(key);
    if (keys?.size === 0) this.#sessions.delete(session);
  }

  #report(): void {
    this.#observer.size(this.#lru.size, this.#lru.calculatedSize);
  }
}
