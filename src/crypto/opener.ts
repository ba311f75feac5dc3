import { err, type Clock, type Result } from '../core/index.js';
import type { DirectoryView } from './directory-source.js';
import {
  openEnvelope,
  sealEnvelope,
  type OpenedEnvelope,
  type OpenProblem,
  type SealInput,
  type SealProblem,
} from './envelope.js';
import { OpenErrorCode, SealErrorCode } from './errors.js';
import type { DeviceIdentity } from './identity.js';
import type { ReplayStore } from './replay.js';

export const OPEN_DEFAULTS = {
  maxLifetimeMs: 24 * 3600_000,
  maxClockSkewMs: 2 * 60_000,
  /** How often, at most, expired ids are pruned from the replay store. */
  pruneEveryMs: 60_000,
} as const;

export interface OpenerOptions {
  readonly keys: readonly DeviceIdentity[];
  readonly directory: DirectoryView;
  readonly replay: ReplayStore;
  readonly clock: Clock;
  readonly maxLifetimeMs?: number;
  readonly maxClockSkewMs?: number;
}

/** Opens envelopes addressed to us: every check of `openEnvelope`, then the replay check. */
export class EnvelopeOpener {
  #lastPrune = Number.NEGATIVE_INFINITY;
  readonly #maxLifetimeMs: number;
  readonly #maxClockSkewMs: number;

  constructor(private readonly options: OpenerOptions) {
    this.#maxLifetimeMs = options.maxLifetimeMs ?? OPEN_DEFAULTS.maxLifetimeMs;
    this.#maxClockSkewMs = options.maxClockSkewMs ?? OPEN_DEFAULTS.maxClockSkewMs;
  }

  open(wire: Uint8Array): Result<OpenedEnvelope, OpenProblem> {
    const now = this.options.clock.now();
    if (now - this.#lastPrune >= OPEN_DEFAULTS.pruneEveryMs) {
      this.options.replay.prune(now);
      this.#lastPrune = now;
    }
    const opened = openEnvelope(wire, {
      keys: this.options.keys,
      directory: this.options.directory.current,
      now,
      maxLifetimeMs: this.#maxLifetimeMs,
      maxClockSkewMs: this.#maxClockSkewMs,
    });
    if (!opened.ok) return opened;
    // Kept past expiry by the skew allowed, so a clock stepped back cannot re-admit a pruned id.
    if (!this.options.replay.remember(opened.value.messageId, opened.value.expiresAt + this.#maxClockSkewMs))
      return err({
        code: OpenErrorCode.REPLAYED,
        message: `message ${opened.value.messageId} was seen before`,
        messageId: opened.value.messageId,
      });
    return opened;
  }
}

export interface SealerOptions {
  readonly identity: DeviceIdentity;
  readonly directory: DirectoryView;
  readonly clock: Clock;
}

export interface SealRequest {
  /** Principal id; sealed to its current key in the directory. */
  readonly to: string;
  readonly kind: string;
  readonly body: Uint8Array;
  readonly streamId: Uint8Array;
  readonly sequence: number;
  readonly ttlMs: number;
  /** 16 bytes chosen by the caller, who must know the id before the box is sealed; random when absent. */
  readonly messageId?: Uint8Array;
}

/** Seals to a principal by id, with its current key from the directory and times from the clock. */
export class EnvelopeSealer {
  constructor(private readonly options: SealerOptions) {}

  seal(request: SealRequest): Result<Uint8Array, SealProblem> {
    const now = this.options.clock.now();
    const recipient = this.options.directory.current.currentKey(request.to, now);
    if (recipient === undefined)
      return err({
        code: SealErrorCode.UNKNOWN_RECIPIENT,
        message: `no valid key for principal ${request.to} in the directory`,
      });
    const input: SealInput = {
      kind: request.kind,
      body: request.body,
      streamId: request.streamId,
      sequence: request.sequence,
      createdAt: now,
      expiresAt: now + request.ttlMs,
      ...(request.messageId === undefined ? {} : { messageId: request.messageId }),
    };
    return sealEnvelope(this.options.identity, recipient, input);
  }
}
