import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';

/**
 * A principal's presence on the broker, retained on its presence topic (topics.ts): `up` once the
 * broker granted its subscriptions on a connection, with a new random `epoch` each time; `down` is
 * its MQTT Last Will (the broker publishes it when the connection is lost without a DISCONNECT) or
 * what it publishes itself before a clean close. Ids and a random number only: no patient data, no
 * clock. Not signed: the ACL lets only the principal itself write its topic, and all a forged or
 * repeated `up` can cause is a resend, which the receiver de-duplicates (docs/protocol.md, "Presence").
 */
export type Presence =
  { readonly v: 1; readonly state: 'up'; readonly epoch: string } | { readonly v: 1; readonly state: 'down' };

const Epoch = v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/));
const PresenceSchema = v.variant('state', [
  v.strictObject({ v: v.literal(1), state: v.literal('up'), epoch: Epoch }),
  v.strictObject({ v: v.literal(1), state: v.literal('down') }),
]);

/** Far more than either form needs; anything longer is not ours. */
export const MAX_PRESENCE_BYTES = 256;

export const PRESENCE_ERRORS = { malformed: 'PRESENCE_MALFORMED' } as const;
export type PresenceError = (typeof PRESENCE_ERRORS)[keyof typeof PRESENCE_ERRORS];

/** 128 random bits: a connection's epoch never repeats, across restarts too. */
export const newEpoch = (): string => randomBytes(16).toString('hex');

export const encodePresence = (presence: Presence): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(presence));

export const parsePresence = (bytes: Uint8Array): Result<Presence, PresenceError> => {
  if (bytes.byteLength > MAX_PRESENCE_BYTES) return err(PRESENCE_ERRORS.malformed);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return err(PRESENCE_ERRORS.malformed);
  }
  const parsed = v.safeParse(PresenceSchema, json);
  return parsed.success ? ok(parsed.output) : err(PRESENCE_ERRORS.malformed);
};

/**
 * The last `up` epoch seen from each peer. A new one means the peer (re)made its subscriptions: what
 * was published to it before may have reached a broker that had no subscription for it (a broker
 * restarted after a kill -9 forgets the sessions it had not autosaved, takes the publish with a
 * PUBACK and drops it), so the sender publishes it again. The first epoch seen from a peer counts as
 * new: it costs at most one duplicate, never a report left waiting.
 */
export class PeerEpochs {
  readonly #epochs = new Map<string, string>();

  /** Whether this presence message says the peer came up with subscriptions made anew. */
  cameUp(peer: string, presence: Presence): boolean {
    switch (presence.state) {
      case 'down':
        return false;
      case 'up':
        if (this.#epochs.get(peer) === presence.epoch) return false;
        this.#epochs.set(peer, presence.epoch);
        return true;
      default:
        return presence satisfies never;
    }
  }
}
