import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { ascii, concat, fromBase64, toBase64, toHex } from './bytes.js';
import { DirectoryErrorCode, type CryptoProblem } from './errors.js';
import { keyIdOf, type DeviceIdentity, type PublicKeys } from './identity.js';
import { SIZES, sodium } from './sodium.js';

/*
 * Signed directory file (JSON):
 *   { "format": "ems-gateway/directory/v1", "payload": "<directory JSON as a string>",
 *     "signature": "<base64 Ed25519 signature>" }
 * The signature covers "ems-gateway/directory/v1\n" ‖ UTF-8 bytes of `payload`, exactly as stored:
 * no canonical JSON is needed to verify it in any language. The payload is a DirectoryPayload.
 */

export const DIRECTORY_FORMAT = 'ems-gateway/directory/v1';
const SIGNING_CONTEXT = ascii(`${DIRECTORY_FORMAT}\n`);

export type DirectoryProblem = CryptoProblem<DirectoryErrorCode>;

export const PRINCIPAL_ROLES = ['ambulance', 'hospital', 'dispatch', 'records'] as const;
export type PrincipalRole = (typeof PRINCIPAL_ROLES)[number];

const Key32 = v.pipe(
  v.string(),
  v.check((s) => fromBase64(s)?.length === 32, 'must be a base64 32-byte key'),
);
const Time = v.pipe(v.string(), v.isoTimestamp());

const EntryJson = v.object({
  principal: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/)),
  role: v.picklist(PRINCIPAL_ROLES),
  displayName: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  keyId: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)),
  ed25519: Key32,
  x25519: Key32,
  validFrom: Time,
  validUntil: Time,
  /** Set when the key is known or feared compromised; from then on it is refused. */
  revokedAt: v.optional(Time),
});

/** What the operator writes and signs. */
export const DirectoryPayload = v.object({
  region: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  /** Increases with every directory issued; a lower serial than the one in force is refused. */
  serial: v.pipe(v.number(), v.integer(), v.minValue(1)),
  issuedAt: Time,
  entries: v.array(EntryJson),
});
export type DirectoryPayload = v.InferOutput<typeof DirectoryPayload>;

const SignedJson = v.object({
  format: v.literal(DIRECTORY_FORMAT),
  payload: v.string(),
  signature: v.pipe(
    v.string(),
    v.check((s) => fromBase64(s)?.length === SIZES.signature),
  ),
});

export interface DirectoryEntry {
  readonly principal: string;
  readonly role: PrincipalRole;
  readonly displayName: string;
  readonly keyId: Uint8Array;
  readonly keyIdHex: string;
  readonly publicKeys: PublicKeys;
  readonly validFrom: number;
  readonly validUntil: number;
  readonly revokedAt: number | undefined;
}

export type KeyStatus = 'valid' | 'unknown' | 'revoked' | 'expired' | 'not-yet-valid';

/** A verified directory: pure lookups at a given time. */
export class KeyDirectory {
  readonly #byKeyId: ReadonlyMap<string, DirectoryEntry>;

  constructor(
    readonly region: string,
    readonly serial: number,
    readonly issuedAt: number,
    readonly entries: readonly DirectoryEntry[],
  ) {
    this.#byKeyId = new Map(entries.map((e) => [e.keyIdHex, e]));
  }

  statusOf(entry: DirectoryEntry, now: number): KeyStatus {
    if (entry.revokedAt !== undefined && entry.revokedAt <= now) return 'revoked';
    if (now < entry.validFrom) return 'not-yet-valid';
    if (now >= entry.validUntil) return 'expired';
    return 'valid';
  }

  /** The entry for a key id and whether it may be used now. */
  lookup(keyIdHex: string, now: number): { status: KeyStatus; entry?: DirectoryEntry } {
    const entry = this.#byKeyId.get(keyIdHex);
    return entry === undefined ? { status: 'unknown' } : { status: this.statusOf(entry, now), entry };
  }

  /**
   * The key to seal to for a principal now. During a rotation overlap two keys are valid; the one
   * that became valid last wins, so senders move to the new key while the old one still opens.
   */
  currentKey(principal: string, now: number): DirectoryEntry | undefined {
    return this.entries
      .filter((e) => e.principal === principal && this.statusOf(e, now) === 'valid')
      .reduce<DirectoryEntry | undefined>(
        (best, e) => (best === undefined || e.validFrom > best.validFrom ? e : best),
        undefined,
      );
  }
}

const problem = (code: DirectoryErrorCode, message: string): Result<never, DirectoryProblem> =>
  err({ code, message });

const issuePaths = (issues: readonly v.BaseIssue<unknown>[]): string =>
  [...new Set(issues.map((i) => v.getDotPath(i) ?? '(root)'))].join(', ');

/** Checks the payload's own consistency: key ids match the keys, periods make sense, ids are unique. */
const toDirectory = (payload: DirectoryPayload): Result<KeyDirectory, DirectoryProblem> => {
  const entries: DirectoryEntry[] = [];
  const seen = new Set<string>();
  for (const [i, e] of payload.entries.entries()) {
    const publicKeys = {
      ed25519: fromBase64(e.ed25519) as Uint8Array,
      x25519: fromBase64(e.x25519) as Uint8Array,
    };
    const keyId = keyIdOf(publicKeys);
    const keyIdHex = toHex(keyId);
    if (keyIdHex !== e.keyId)
      return problem(DirectoryErrorCode.MALFORMED, `entries.${i}: keyId does not match its public keys`);
    if (seen.has(keyIdHex)) return problem(DirectoryErrorCode.MALFORMED, `entries.${i}: duplicate keyId`);
    seen.add(keyIdHex);
    const validFrom = Date.parse(e.validFrom);
    const validUntil = Date.parse(e.validUntil);
    if (!(validFrom < validUntil))
      return problem(DirectoryErrorCode.MALFORMED, `entries.${i}: validFrom must be before validUntil`);
    entries.push({
      principal: e.principal,
      role: e.role,
      displayName: e.displayName,
      keyId,
      keyIdHex,
      publicKeys,
      validFrom,
      validUntil,
      revokedAt: e.revokedAt === undefined ? undefined : Date.parse(e.revokedAt),
    });
  }
  return ok(new KeyDirectory(payload.region, payload.serial, Date.parse(payload.issuedAt), entries));
};

/** Validates a payload and signs it with the operator's key; returns the signed file's text. */
export const signDirectory = (input: unknown, operator: DeviceIdentity): Result<string, DirectoryProblem> => {
  const parsed = v.safeParse(DirectoryPayload, input, { abortEarly: false });
  if (!parsed.success)
    return problem(DirectoryErrorCode.MALFORMED, `invalid directory (check: ${issuePaths(parsed.issues)})`);
  const checked = toDirectory(parsed.output);
  if (!checked.ok) return checked;
  const payload = JSON.stringify(parsed.output, null, 2);
  const signature = operator.sign(concat(SIGNING_CONTEXT, ascii(payload)));
  const file = { format: DIRECTORY_FORMAT, payload, signature: toBase64(signature) };
  return ok(`${JSON.stringify(file, null, 2)}\n`);
};

/** Verifies a signed directory against the pinned operator key, then parses and checks it. */
export const verifyDirectory = (
  text: string,
  operatorPublicKey: Uint8Array,
): Result<KeyDirectory, DirectoryProblem> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return problem(DirectoryErrorCode.MALFORMED, 'not valid JSON');
  }
  const outer = v.safeParse(SignedJson, json);
  if (!outer.success)
    return problem(
      DirectoryErrorCode.MALFORMED,
      `not a signed directory (check: ${issuePaths(outer.issues)})`,
    );
  const signature = fromBase64(outer.output.signature) as Uint8Array;
  if (
    !sodium.verifyDetached(signature, concat(SIGNING_CONTEXT, ascii(outer.output.payload)), operatorPublicKey)
  )
    return problem(
      DirectoryErrorCode.BAD_SIGNATURE,
      'the signature does not verify with the pinned operator key',
    );
  let payload: unknown;
  try {
    payload = JSON.parse(outer.output.payload);
  } catch {
    return problem(DirectoryErrorCode.MALFORMED, 'the signed payload is not valid JSON');
  }
  const parsed = v.safeParse(DirectoryPayload, payload, { abortEarly: false });
  if (!parsed.success)
    return problem(DirectoryErrorCode.MALFORMED, `invalid directory (check: ${issuePaths(parsed.issues)})`);
  return toDirectory(parsed.output);
};

/** A directory entry for an identity, as the operator would list it. */
export const entryFor = (
  identity: DeviceIdentity,
  role: PrincipalRole,
  displayName: string,
  validFrom: number,
  validUntil: number,
): DirectoryPayload['entries'][number] => ({
  principal: identity.principal,
  role,
  displayName,
  keyId: identity.keyIdHex,
  ed25519: toBase64(identity.publicKeys.ed25519),
  x25519: toBase64(identity.publicKeys.x25519),
  validFrom: new Date(validFrom).toISOString(),
  validUntil: new Date(validUntil).toISOString(),
});
