/**
 * The part of sodium-native (libsodium's native Node binding, https://github.com/holepunchto/sodium-native)
 * that src/crypto/sodium.ts uses. Its functions write into the `out` array the caller allocated and
 * throw on wrong lengths; the `_open`/`_verify` ones return false for a box or hash that does not check.
 */
declare module 'sodium-native' {
  type Bytes = Uint8Array;
  const sodium: {
    crypto_generichash(out: Bytes, input: Bytes, key?: Bytes | null): void;
    crypto_scalarmult_base(q: Bytes, n: Bytes): void;
    crypto_box_seal(c: Bytes, m: Bytes, pk: Bytes): void;
    crypto_box_seal_open(m: Bytes, c: Bytes, pk: Bytes, sk: Bytes): boolean;
    crypto_secretbox_easy(c: Bytes, m: Bytes, n: Bytes, k: Bytes): void;
    crypto_secretbox_open_easy(m: Bytes, c: Bytes, n: Bytes, k: Bytes): boolean;
    crypto_core_ed25519_is_valid_point(p: Bytes): boolean;
    crypto_sign_seed_keypair(pk: Bytes, sk: Bytes, seed: Bytes): void;
    crypto_sign_detached(sig: Bytes, m: Bytes, sk: Bytes): void;
    crypto_sign_verify_detached(sig: Bytes, m: Bytes, pk: Bytes): boolean;
    /** Guarded memory outside the JavaScript heap (sodium_malloc), kept from swap (sodium_mlock). */
    sodium_malloc(size: number): Buffer;
    readonly crypto_sign_SECRETKEYBYTES: number;
    crypto_pwhash(
      out: Bytes,
      passwd: Bytes,
      salt: Bytes,
      opslimit: number,
      memlimit: number,
      alg: number,
    ): void;
    crypto_pwhash_str_async(out: Bytes, passwd: Bytes, opslimit: number, memlimit: number): Promise<void>;
    crypto_pwhash_str_verify_async(str: Bytes, passwd: Bytes): Promise<boolean>;
    crypto_pwhash_str_needs_rehash(str: Bytes, opslimit: number, memlimit: number): boolean;
    sodium_memzero(b: Bytes): void;
    sodium_memcmp(a: Bytes, b: Bytes): boolean;
    readonly crypto_pwhash_ALG_ARGON2ID13: number;
    readonly crypto_pwhash_STRBYTES: number;
    readonly crypto_box_SEALBYTES: number;
    readonly crypto_secretbox_MACBYTES: number;
  };
  export default sodium;
}
