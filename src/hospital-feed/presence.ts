import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import type { MessageHandler } from './link.js';
import { parsePresenceTopic, type PresenceOwner } from './topics.js';

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

/** What a feed does with its peers' presence: resend on a return, count what is not a presence. */
export interface PresenceListener {
  back(peer: string): void;
  malformed(): void;
}

/**
 * The link's one message handler for a feed that also reads its peers' presence: messages on an
 * `owner`'s presence topic go to `listener` (and are acknowledged at once, nothing to store), every
 * other message to `envelopes`.
 */
export const withPresence = (
  owner: PresenceOwner,
  listener: PresenceListener,
  envelopes: MessageHandler,
): MessageHandler => {
  const epochs = new PeerEpochs();
  return (topic, payload) => {
    const peer = parsePresenceTopic(owner, topic);
    if (peer === undefined) return envelopes(topic, payload);
    const presence = parsePresence(payload);
    if (!presence.ok) listener.malformed();
    else if (epochs.cameUp(peer, presence.value)) listener.back(peer);
    return Promise.resolve();
  };
};
