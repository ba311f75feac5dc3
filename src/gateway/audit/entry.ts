import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { UserRole } from '../auth/index.js';

/** What was done. Access to patient data, and the log-ins that precede it (IHE BALP patterns). */
export const AUDIT_ACTIONS = [
  'read',
  'create',
  'update',
  'delete',
  'export',
  /** A card-less lookup (issue 13): a search of the register by what the crew typed. */
  'search',
  'login',
  'login-failed',
  'logout',
  /** The screen lock: a PIN unlock, a wrong PIN, kiosk mode on and off (issue 15). */
  'unlock',
  'unlock-failed',
  'kiosk-on',
  'kiosk-off',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Opaque ids only: a card session or a report, never a name, birth date or certificate serial. */
const OpaqueId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{4,64}$/, 'must be an opaque id'));
/** A short code, not free text: free text is where patient data would creep in. */
const Code = v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,40}$/, 'must be a short code'));

export const AuditInput = v.object({
  /** Who: the person (their role and id) and the device (this instance's principal id). */
  role: v.nullable(UserRole),
  userId: v.nullable(v.pipe(v.string(), v.maxLength(32))),
  device: v.pipe(v.string(), v.maxLength(63)),
  /** What. */
  action: v.picklist(AUDIT_ACTIONS),
  subject: v.nullable(
    v.object({ kind: v.picklist(['card-session', 'patient-session', 'report']), id: OpaqueId }),
  ),
  /** Why: the consent basis recorded with the card read, and the emergency reason when consent was not given. */
  purpose: v.nullable(v.picklist(['consent', 'emergency-exception', 'refused'])),
  reason: v.nullable(Code),
  outcome: v.picklist(['success', 'failure']),
  /**
   * How the patient was identified (issue 13), as a short code: `card-pin`, `card-visual`,
   * `four-items-87`, `insurer-number-100`, `crew-entered`, or `not-stated` for a report that did not
   * say. Absent for entries that touch no patient (log-ins) and in entries written before it existed.
   */
  assurance: v.optional(Code),
  /**
   * A card-less lookup (action `search`): its inputs only as a keyed hash (HMAC-SHA256 under this
   * instance's key, hex; never the name or birth date in clear) and how many candidates came back.
   */
  lookup: v.optional(
    v.object({
      inputs: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be a keyed hash')),
      candidates: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1000)),
    }),
  ),
});
export type AuditInput = v.InferOutput<typeof AuditInput>;

export interface AuditEntry extends AuditInput {
  readonly seq: number;
  /** When, in epoch milliseconds from the injected clock. */
  readonly at: number;
  readonly prevHash: string;
  readonly hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 over the previous hash and the entry's fields in a fixed order (an array, so key order
 * cannot vary). The sequence number is inside the hash, so moving an entry breaks it. The identity
 * assurance is appended only when present, so entries written before it existed still verify; a
 * lookup's hashed inputs and candidate count likewise (after the assurance, which a lookup always has).
 */
export const entryHash = (prevHash: string, e: Omit<AuditEntry, 'hash' | 'prevHash'>): string =>
  createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(
      JSON.stringify([
        e.seq,
        e.at,
        e.role,
        e.userId,
        e.device,
        e.action,
        e.subject?.kind ?? null,
        e.subject?.id ?? null,
        e.purpose,
        e.reason,
        e.outcome,
        ...(e.assurance === undefined ? [] : [e.assurance]),
        ...(e.lookup === undefined ? [] : [e.lookup.inputs, e.lookup.candidates]),
      ]),
    )
    .digest('hex');

export interface Checkpoint {
  readonly seq: number;
  readonly hash: string;
  readonly at: number;
  /** Ed25519 over `checkpointMessage`, hex. */
  readonly signature: string;
}

export const checkpointMessage = (device: string, seq: number, hash: string): Uint8Array =>
  new TextEncoder().encode(`ems-gateway audit checkpoint v1\n${device}\n${seq}\n${hash}`);
