import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';
import { fromBase64, toBase64 } from './bytes.js';
import { KeyFileErrorCode, type CryptoProblem } from './errors.js';
import { DeviceIdentity, exportSecrets } from './identity.js';
import { SIZES, sodium } from './sodium.js';

/*
 * Key file (JSON, UTF-8, mode 0600):
 *   { "format": "ems-gateway/key-file/v1", "principal", "keyId" (hex), "createdAt" (ISO 8601),
 *     "public": { "ed25519", "x25519" } (base64),
 *     "secret": { "protection": "none", "ed25519Seed", "x25519" }
 *             | { "protection": "argon2id-secretbox", "opsLimit", "memLimit", "salt", "nonce", "ciphertext" } }
 * The sealed form is crypto_secretbox(ed25519Seed ‖ x25519Secret) under a key stretched from the
 * NFC-normalised UTF-8 passphrase with crypto_pwhash (Argon2id v1.3). The cost is in the file, and a
 * file whose cost was lowered below libsodium's INTERACTIVE limits is refused.
 */

export const KEY_FILE_FORMAT = 'ems-gateway/key-file/v1';

export type KeyFileProblem = CryptoProblem<KeyFileErrorCode>;

/** Argon2id cost: libsodium's MODERATE (3 passes, 256 MiB); about a second once, at start. */
export const DEFAULT_KDF = { opsLimit: 3, memLimit: 256 * 1024 * 1024 } as const;
/** libsodium's INTERACTIVE limits: the least a key file may ask for. */
const MIN_KDF = { opsLimit: 2, memLimit: 64 * 1024 * 1024 } as const;

const B64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/=]+$/));

const PlainSecret = v.object({ protection: v.literal('none'), ed25519Seed: B64, x25519: B64 });
const SealedSecret = v.object({
  protection: v.literal('argon2id-secretbox'),
  // Bounds refuse files whose cost was lowered to make guessing the passphrase cheap.
  opsLimit: v.pipe(v.number(), v.integer(), v.minValue(MIN_KDF.opsLimit), v.maxValue(16)),
  memLimit: v.pipe(v.number(), v.integer(), v.minValue(MIN_KDF.memLimit), v.maxValue(1024 * 1024 * 1024)),
  salt: B64,
  nonce: B64,
  ciphertext: B64,
});

const KeyFileJson = v.object({
  format: v.literal(KEY_FILE_FORMAT),
  principal: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/)),
  keyId: v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  public: v.object({ ed25519: B64, x25519: B64 }),
  secret: v.variant('protection', [PlainSecret, SealedSecret]),
});

export interface KdfParams {
  readonly opsLimit: number;
  readonly memLimit: number;
}

const stretch = (passphrase: string, salt: Uint8Array, params: KdfParams): Uint8Array => {
  const utf8 = new TextEncoder().encode(passphrase.normalize('NFC'));
  const key = sodium.pwhash(SIZES.secretboxKey, utf8, salt, params.opsLimit, params.memLimit);
  sodium.memzero(utf8);
  return key;
};

export interface EncodeOptions {
  readonly createdAt: number;
  /** Seal the private keys under this passphrase; stored in the clear (file mode 0600 only) when absent. */
  readonly passphrase?: string;
  /** Argon2id cost; DEFAULT_KDF when absent (tests pass libsodium's INTERACTIVE minimum). */
  readonly kdf?: KdfParams;
}

/** The key file's text for an identity. */
export const encodeKeyFile = (identity: DeviceIdentity, options: EncodeOptions): string => {
  const { ed25519Seed, x25519Secret } = exportSecrets(identity);
  let secret: v.InferOutput<typeof KeyFileJson>['secret'];
  if (options.passphrase === undefined) {
    secret = { protection: 'none', ed25519Seed: toBase64(ed25519Seed), x25519: toBase64(x25519Secret) };
  } else {
    const params = options.kdf ?? DEFAULT_KDF;
    const salt = sodium.randomBytes(SIZES.pwhashSalt);
    const nonce = sodium.randomBytes(SIZES.secretboxNonce);
    const key = stretch(options.passphrase, salt, params);
    const plain = new Uint8Array([...ed25519Seed, ...x25519Secret]);
    const ciphertext = sodium.secretboxEasy(plain, nonce, key);
    sodium.memzero(plain);
    sodium.memzero(key);
    secret = {
      protection: 'argon2id-secretbox',
      opsLimit: params.opsLimit,
      memLimit: params.memLimit,
      salt: toBase64(salt),
      nonce: toBase64(nonce),
      ciphertext: toBase64(ciphertext),
    };
  }
  const file: v.InferOutput<typeof KeyFileJson> = {
    format: KEY_FILE_FORMAT,
    principal: identity.principal,
    keyId: identity.keyIdHex,
    createdAt: new Date(options.createdAt).toISOString(),
    public: { ed25519: toBase64(identity.publicKeys.ed25519), x25519: toBase64(identity.publicKeys.x25519) },
    secret,
  };
  return `${JSON.stringify(file, null, 2)}\n`;
};

const problem = (code: KeyFileErrorCode, message: string): Result<never, KeyFileProblem> =>
  err({ code, message });

const secretsOf = (
  secret: v.InferOutput<typeof KeyFileJson>['secret'],
  passphrase: string | undefined,
): Result<{ seed: Uint8Array; x: Uint8Array }, KeyFileProblem> => {
  switch (secret.protection) {
    case 'none': {
      const seed = fromBase64(secret.ed25519Seed);
      const x = fromBase64(secret.x25519);
      if (seed?.length !== SIZES.ed25519Seed || x?.length !== SIZES.x25519Key)
        return problem(KeyFileErrorCode.MALFORMED, 'the private keys are not two 32-byte base64 values');
      return ok({ seed, x });
    }
    case 'argon2id-secretbox': {
      if (passphrase === undefined)
        return problem(KeyFileErrorCode.PASSPHRASE_REQUIRED, 'the key file is sealed with a passphrase');
      const salt = fromBase64(secret.salt);
      const nonce = fromBase64(secret.nonce);
      const ciphertext = fromBase64(secret.ciphertext);
      if (salt?.length !== SIZES.pwhashSalt || nonce?.length !== SIZES.secretboxNonce || ciphertext === null)
        return problem(KeyFileErrorCode.MALFORMED, 'the sealed private keys are not well formed');
      const key = stretch(passphrase, salt, secret);
      const plain = sodium.secretboxOpenEasy(ciphertext, nonce, key);
      sodium.memzero(key);
      if (plain === null)
        return problem(KeyFileErrorCode.PASSPHRASE_WRONG, 'the passphrase does not open the key file');
      if (plain.length !== SIZES.ed25519Seed + SIZES.x25519Key) {
        sodium.memzero(plain);
        return problem(KeyFileErrorCode.MALFORMED, 'the sealed private keys have the wrong length');
      }
      return ok({ seed: plain.subarray(0, 32), x: plain.subarray(32) });
    }
    default:
      return secret satisfies never;
  }
};

/** Parses and checks a key file: the private keys must produce the public keys and key id it states. */
export const decodeKeyFile = (text: string, passphrase?: string): Result<DeviceIdentity, KeyFileProblem> => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return problem(KeyFileErrorCode.MALFORMED, 'not valid JSON');
  }
  const parsed = v.safeParse(KeyFileJson, json);
  if (!parsed.success) {
    const paths = parsed.issues.map((i) => v.getDotPath(i) ?? '(root)').join(', ');
    return problem(KeyFileErrorCode.MALFORMED, `not an ${KEY_FILE_FORMAT} file (check: ${paths})`);
  }
  const file = parsed.output;
  const secrets = secretsOf(file.secret, passphrase);
  if (!secrets.ok) return secrets;
  const identity = DeviceIdentity.fromSecrets(file.principal, secrets.value.seed, secrets.value.x);
  sodium.memzero(secrets.value.seed);
  sodium.memzero(secrets.value.x);
  const ed = fromBase64(file.public.ed25519);
  const x = fromBase64(file.public.x25519);
  if (
    ed === null ||
    x === null ||
    !sodium.equal(ed, identity.publicKeys.ed25519) ||
    !sodium.equal(x, identity.publicKeys.x25519) ||
    file.keyId !== identity.keyIdHex
  ) {
    identity.wipe();
    return problem(
      KeyFileErrorCode.INCONSISTENT,
      'the private keys do not match the public keys or key id in the file',
    );
  }
  return ok(identity);
};
