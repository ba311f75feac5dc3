import type { SummaryCache } from '../../cache/index.js';
import { err, ok, type Clock } from '../../core/index.js';
import {
  EnvelopeOpener,
  MemoryReplayStore,
  sodium,
  type DeviceIdentity,
  type DirectoryView,
} from '../../crypto/index.js';
import {
  RESPONSE_KIND,
  type RequestSigner,
  type ResponseOpener,
  type StoredBundle,
  type SummaryStore,
} from '../../records/index.js';

/** Signs requests with the device's Ed25519 key; the records service knows it by its key id. */
export const deviceSigner = (identity: DeviceIdentity): RequestSigner => ({
  keyId: identity.keyIdHex,
  sign: (bytes) => Promise.resolve(identity.sign(bytes)),
});

/**
 * Opens the records service's sealed answer: an envelope sealed to one of our keys, signed by a
 * `records` key valid in the pinned directory, of kind `records-response`, from the service we asked
 * (`from`). Anything else, however well sealed, is not a summary we asked for.
 */
export const envelopeResponseOpener = (options: {
  readonly keys: readonly DeviceIdentity[];
  readonly directory: DirectoryView;
  readonly clock: Clock;
  readonly from: string;
}): ResponseOpener => {
  // Answers live minutes; remembering their ids in memory stops a replay within a run.
  const opener = new EnvelopeOpener({
    keys: options.keys,
    directory: options.directory,
    replay: new MemoryReplayStore(),
    clock: options.clock,
  });
  return {
    open: (sealed) => {
      const opened = opener.open(sealed);
      if (!opened.ok) return Promise.resolve(err('unopenable'));
      const e = opened.value;
      const expected =
        e.kind === RESPONSE_KIND && e.sender.role === 'records' && e.sender.principal === options.from;
      if (!expected) {
        sodium.memzero(e.body);
        return Promise.resolve(err('unopenable'));
      }
      return Promise.resolve(ok(e.body));
    },
  };
};

const SLOT = 'summary';
const STAMP_BYTES = 8;

/**
 * The records client's store over the summary cache (ciphertext at rest, TTL, purge on handover).
 * The cache keeps bytes only, so the time it was stored travels in front of the Bundle (u64 BE ms).
 */
export const cacheSummaryStore = (cache: SummaryCache, clock: Clock): SummaryStore => ({
  get: (session) => {
    const plain = cache.get(session, SLOT);
    if (plain === undefined || plain.byteLength < STAMP_BYTES) return Promise.resolve(undefined);
    const storedAt = Number(new DataView(plain.buffer, plain.byteOffset).getBigUint64(0));
    const stored: StoredBundle = { bytes: plain.slice(STAMP_BYTES), storedAt };
    sodium.memzero(plain);
    return Promise.resolve(stored);
  },
  set: (session, bytes) => {
    const framed = new Uint8Array(STAMP_BYTES + bytes.byteLength);
    new DataView(framed.buffer).setBigUint64(0, BigInt(clock.now()));
    framed.set(bytes, STAMP_BYTES);
    // Refused when too large for one entry: the summary is still shown, only not kept (a repeat refetches).
    cache.set(session, SLOT, framed);
    sodium.memzero(framed);
    return Promise.resolve();
  },
});
