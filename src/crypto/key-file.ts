import { scryptSync } from 'node:crypto';
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
 *             | { "protection": "scrypt-secretbox", "n", "r", "p", "salt", "nonce", "ciphertext" } }
 * The sealed form is crypto_secretbox(ed25519Seed ‖ x25519Secret) under a key stretched from the
 * passphrase. The KDF is scrypt (RFC 7914, node:crypto): the standard libsodium-wrappers build has no
 * crypto_pwhash (argon2id ships only in libsodium-wrappers-sumo) and Node 20 has no argon2. The KDF
 * and its parameters are in the file, so argon2id can be added as another `protection` later.
 */

export const KEY_FILE_FORMAT = 'ems-gateway/key-file/v1';

export type KeyFileProblem = CryptoProblem<KeyFileErrorCode>;

/** scrypt cost: N = 2^17, r = 8, p = 1 (OWASP's recommendation); about 128 MiB and a few hundred ms. */
export const DEFAULT_SCRYPT = { n: 2 ** 17, r: 8, p: 1 } as const;

const B64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/=]+$/));

const PlainSecret = v.object({ protection: v.literal('none'), ed25519Seed: B64, x25519: B64 });
const SealedSecret = v.object({
  protection: v.literal('scrypt-secretbox'),
  // Bounds refuse files whose cost was lowered to make guessing the passphrase cheap.
  n: v.pipe(
    v.number(),
    v.integer(),
    v.check((n) => n >= 2 ** 14 && n <= 2 ** 20 && (n & (n - 1)) === 0),
  ),
  r: v.pipe(v.number(), v.integer(), v.minValue(8), v.maxValue(32)),
  p: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4)),
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

export interface ScryptParams {
  readonly n: number;
  readonly r: number;
  readonly p: number;
}

const stretch = (passphrase: string, salt: Uint8Array, params: ScryptParams): Uint8Array =>
  new Uint8Array(
    scryptSync(passphrase.normalize('NFC'), salt, SIZES.secretboxKey, {
      N: params.n,
      r: params.r,
      p: params.p,
      maxmem: 256 * params.n * params.r + 1024 * 1024,
    }),
  );

export interface EncodeOptions {
  readonly createdAt: number;
  /** Seal the private keys under this passphrase; stored in the clear (file mode 0600 only) when absent. */
  readonly passphrase?: string;
  readonly scrypt?: ScryptParams;
}

/** The key file's text for an identity. */
export const encodeKeyFile = (identity: DeviceIdentity, options: EncodeOptions): string => {
  const { ed25519Seed, x25519Secret } = exportSecrets(identity);
  let secret: v.InferOutput<typeof KeyFileJson>['secret'];
  if (options.passphrase === undefined) {
    secret = { protection: 'none', ed25519Seed: toBase64(ed25519Seed), x25519: toBase64(x25519Secret) };
  } else {
    const params = options.scrypt ?? DEFAULT_SCRYPT;
    const salt = sodium.randomBytes(16);
    const nonce = sodium.randomBytes(SIZES.secretboxNonce);
    const key = stretch(options.passphrase, salt, params);
    const plain = new Uint8Array([...ed25519Seed, ...x25519Secret]);
    const ciphertext = sodium.secretboxEasy(plain, nonce, key);
    sodium.memzero(plain);
    sodium.memzero(key);
    secret = {
      protection: 'scrypt-secretbox',
      ...params,
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
    case 'scrypt-secretbox': {
      if (passphrase === undefined)
        return problem(KeyFileErrorCode.PASSPHRASE_REQUIRED, 'the key file is sealed with a passphrase');
      const salt = fromBase64(secret.salt);
      const nonce = fromBase64(secret.nonce);
      const ciphertext = fromBase64(secret.ciphertext);
      if (salt?.length !== 16 || nonce?.length !== SIZES.secretboxNonce || ciphertext === null)
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
