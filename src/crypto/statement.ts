import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { ascii, concat, fromBase64, toBase64 } from './bytes.js';
import type { KeyDirectory, PrincipalRole } from './directory.js';
import type { DeviceIdentity } from './identity.js';
import { SIZES, sodium } from './sodium.js';

/*
 * Signed statement: a message many may read (a retained MQTT status), so it cannot be sealed to one
 * recipient; it is signed instead, in the clear. Wire form, UTF-8 JSON:
 *   { "format": "ems-gateway/statement/v1", "kind": "<kind>", "keyId": "<32 hex>",
 *     "payload": "<JSON text as a string>", "signature": "<base64 Ed25519, 64 bytes>" }
 * The detached signature covers
 *   "ems-gateway/statement/v1\n" ‖ kind ‖ "\n" ‖ keyId ‖ "\n" ‖ UTF-8 bytes of payload
 * exactly as stored: no canonical JSON is needed to verify it in any language, the domain prefix keeps
 * a statement from being taken for a directory or an envelope, and the kind keeps a signed status
 * from being replayed as another kind of statement.
 */

export const STATEMENT_FORMAT = 'ems-gateway/statement/v1';
/** Statements are small: a hospital status is well under 2 KiB. */
export const MAX_STATEMENT_BYTES = 16 * 1024;
const KIND = /^[a-z][a-z0-9-]{0,31}$/;

/** Why a statement was refused; `operator` codes mean the directory or the signer's key needs care. */
export const StatementErrorCode = {
  MALFORMED: 'STATEMENT_MALFORMED',
  WRONG_KIND: 'STATEMENT_WRONG_KIND',
  UNKNOWN_SIGNER: 'STATEMENT_UNKNOWN_SIGNER',
  SIGNER_KEY_REVOKED: 'STATEMENT_SIGNER_KEY_REVOKED',
  SIGNER_KEY_EXPIRED: 'STATEMENT_SIGNER_KEY_EXPIRED',
  SIGNER_KEY_NOT_YET_VALID: 'STATEMENT_SIGNER_KEY_NOT_YET_VALID',
  BAD_SIGNATURE: 'STATEMENT_BAD_SIGNATURE',
} as const;
export type StatementErrorCode = (typeof StatementErrorCode)[keyof typeof StatementErrorCode];

export interface StatementProblem {
  readonly code: StatementErrorCode;
}

export interface VerifiedStatement {
  readonly kind: string;
  /** The signed JSON text; the caller parses it with its own schema. */
  readonly payload: string;
  readonly signer: { readonly principal: string; readonly role: PrincipalRole; readonly keyId: string };
}

const Wire = v.object({
  format: v.literal(STATEMENT_FORMAT),
  kind: v.pipe(v.string(), v.regex(KIND)),
  keyId: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)),
  payload: v.string(),
  signature: v.pipe(
    v.string(),
    v.check((s) => fromBase64(s)?.length === SIZES.signature),
  ),
});

const signedBytes = (kind: string, keyId: string, payload: string): Uint8Array =>
  concat(ascii(`${STATEMENT_FORMAT}\n${kind}\n${keyId}\n`), ascii(payload));

/** Signs `payload` (JSON text) as a statement of `kind`; returns the wire bytes. */
export const signStatement = (signer: DeviceIdentity, kind: string, payload: string): Uint8Array => {
  if (!KIND.test(kind)) throw new RangeError('statement kind must be 1–32 of a-z, 0-9 and "-"');
  const signature = signer.sign(signedBytes(kind, signer.keyIdHex, payload));
  const wire = ascii(
    JSON.stringify({
      format: STATEMENT_FORMAT,
      kind,
      keyId: signer.keyIdHex,
      payload,
      signature: toBase64(signature),
    }),
  );
  if (wire.length > MAX_STATEMENT_BYTES)
    throw new RangeError(`statement exceeds ${MAX_STATEMENT_BYTES} bytes`);
  return wire;
};

const SIGNER_STATUS = {
  unknown: StatementErrorCode.UNKNOWN_SIGNER,
  revoked: StatementErrorCode.SIGNER_KEY_REVOKED,
  expired: StatementErrorCode.SIGNER_KEY_EXPIRED,
  'not-yet-valid': StatementErrorCode.SIGNER_KEY_NOT_YET_VALID,
} as const;

const refuse = (code: StatementErrorCode): Result<never, StatementProblem> => err({ code });
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Verifies a statement against the pinned directory at `now`: format, kind, the signer's key valid
 * now, the signature. Who the signer must be (role, principal) is the caller's rule to check.
 */
export const verifyStatement = (
  wire: Uint8Array,
  expected: { readonly kind: string; readonly directory: KeyDirectory; readonly now: number },
): Result<VerifiedStatement, StatementProblem> => {
  if (wire.length > MAX_STATEMENT_BYTES) return refuse(StatementErrorCode.MALFORMED);
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(wire));
  } catch {
    return refuse(StatementErrorCode.MALFORMED);
  }
  const parsed = v.safeParse(Wire, json);
  if (!parsed.success) return refuse(StatementErrorCode.MALFORMED);
  const s = parsed.output;
  if (s.kind !== expected.kind) return refuse(StatementErrorCode.WRONG_KIND);
  const { status, entry } = expected.directory.lookup(s.keyId, expected.now);
  if (status !== 'valid' || entry === undefined)
    return refuse(SIGNER_STATUS[status === 'valid' ? 'unknown' : status]);
  const signature = fromBase64(s.signature) as Uint8Array;
  if (!sodium.verifyDetached(signature, signedBytes(s.kind, s.keyId, s.payload), entry.publicKeys.ed25519))
    return refuse(StatementErrorCode.BAD_SIGNATURE);
  return ok({
    kind: s.kind,
    payload: s.payload,
    signer: { principal: entry.principal, role: entry.role, keyId: s.keyId },
  });
};
