import type { Result } from '../core/index.js';

/**
 * The ports src/records needs from its neighbours. Small on purpose: src/crypto (issue #4) and
 * src/cache (issue #4) provide the production implementations; tests provide simple real ones.
 */

/** Signs request bytes with the device's Ed25519 key (src/crypto). */
export interface RequestSigner {
  /** Key id the records service knows the device's public key by. */
  readonly keyId: string;
  sign(bytes: Uint8Array): Promise<Uint8Array>;
}

/** Opens a response sealed to the device's X25519 key; gives the plaintext bytes (a FHIR Bundle). */
export interface ResponseOpener {
  open(sealed: Uint8Array): Promise<Result<Uint8Array, 'unopenable'>>;
}

export interface StoredBundle {
  readonly bytes: Uint8Array;
  /** Clock time it was stored. */
  readonly storedAt: number;
}

/**
 * The summary cache (src/cache): the opened Bundle bytes under the card session. It bounds entries,
 * bytes and age itself: `get` gives nothing once the TTL has passed; it keeps only ciphertext at rest.
 */
export interface SummaryStore {
  get(session: string): Promise<StoredBundle | undefined>;
  set(session: string, bytes: Uint8Array): Promise<void>;
}

/** Timers the client waits on; injected so tests run retries without sleeping. */
export interface Timers {
  /** Waits between attempts. */
  sleep(ms: number): Promise<void>;
  /** Calls `fn` after `ms` unless the returned cancel is called first (the per-attempt timeout). */
  after(ms: number, fn: () => void): () => void;
}

export const systemTimers: Timers = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  after: (ms, fn) => {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};
