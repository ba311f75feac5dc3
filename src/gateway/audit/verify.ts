import { err, ok, type Result } from '../../core/index.js';
import { checkpointMessage, entryHash, GENESIS_HASH, type AuditEntry, type Checkpoint } from './entry.js';

export const AuditProblemKind = {
  /** An entry's content no longer matches its hash: edited. */
  hashMismatch: 'hash-mismatch',
  /** An entry does not point at the one before it: inserted, removed or reordered. */
  chainBreak: 'chain-break',
  /** Sequence numbers are not 1, 2, 3, …: removed or inserted. */
  sequenceGap: 'sequence-gap',
  /** A signed checkpoint names an entry that is missing or different: truncated or rewritten. */
  checkpointMismatch: 'checkpoint-mismatch',
  badSignature: 'bad-signature',
} as const;
export type AuditProblemKind = (typeof AuditProblemKind)[keyof typeof AuditProblemKind];

export interface AuditProblem {
  readonly kind: AuditProblemKind;
  readonly seq: number;
}

export interface VerifiedLog {
  readonly entries: number;
  readonly checkpoints: number;
  /** Entries after the last checkpoint: their removal from the end could not be told. */
  readonly unanchored: number;
}

export type VerifySignature = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/** Pure: walks the chain in sequence order, then checks every checkpoint against it. */
export const verifyLog = (
  entries: readonly AuditEntry[],
  checkpoints: readonly Checkpoint[],
  device: string,
  publicKey: Uint8Array,
  verifySignature: VerifySignature,
): Result<VerifiedLog, AuditProblem> => {
  let prev = GENESIS_HASH;
  for (const [i, e] of entries.entries()) {
    if (e.seq !== i + 1) return err({ kind: 'sequence-gap', seq: e.seq });
    if (e.prevHash !== prev) return err({ kind: 'chain-break', seq: e.seq });
    if (entryHash(e.prevHash, e) !== e.hash) return err({ kind: 'hash-mismatch', seq: e.seq });
    prev = e.hash;
  }
  let anchored = 0;
  for (const cp of checkpoints) {
    const message = checkpointMessage(device, cp.seq, cp.hash);
    if (!verifySignature(Buffer.from(cp.signature, 'hex'), message, publicKey))
      return err({ kind: 'bad-signature', seq: cp.seq });
    if (entries[cp.seq - 1]?.hash !== cp.hash) return err({ kind: 'checkpoint-mismatch', seq: cp.seq });
    anchored = Math.max(anchored, cp.seq);
  }
  return ok({
    entries: entries.length,
    checkpoints: checkpoints.length,
    unanchored: entries.length - anchored,
  });
};
