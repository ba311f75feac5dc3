import { chmod, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DeviceIdentity,
  KeyFileErrorCode,
  decodeKeyFile,
  encodeKeyFile,
  readKeyFile,
  toBase64,
  writeKeyFile,
} from '../../src/crypto/index.js';
import { T0 } from './support.js';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'ems-keys-'));
/** libsodium's INTERACTIVE cost, the least a key file may carry: keeps the tests fast. */
const FAST_KDF = { opsLimit: 2, memLimit: 64 * 1024 * 1024 };

const seedText = (n: number): string => toBase64(new Uint8Array(32).fill(n));

describe('key file', () => {
  it('writes 0600, reads back the same identity, and never overwrites', async () => {
    const file = join(await tempDir(), 'unit.key');
    const identity = DeviceIdentity.generate('amb-test-01');
    expect((await writeKeyFile(file, identity, { createdAt: T0 })).ok).toBe(true);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const read = await readKeyFile(file);
    expect(read.ok && read.value.keyIdHex).toBe(identity.keyIdHex);
    expect(read.ok && read.value.principal).toBe('amb-test-01');
    const again = await writeKeyFile(file, DeviceIdentity.generate('amb-test-01'), { createdAt: T0 });
    expect(!again.ok && again.error.code).toBe(KeyFileErrorCode.EXISTS);
  });

  it.each([0o640, 0o604, 0o644, 0o660, 0o606, 0o777])('refuses a key file with mode %o', async (mode) => {
    const file = join(await tempDir(), 'unit.key');
    await writeKeyFile(file, DeviceIdentity.generate('amb-test-01'), { createdAt: T0 });
    await chmod(file, mode);
    const read = await readKeyFile(file);
    expect(!read.ok && read.error.code).toBe(KeyFileErrorCode.PERMISSIONS);
    expect(!read.ok && read.error.message).toContain('0600');
  });

  it('accepts 0400 (read-only for the owner)', async () => {
    const file = join(await tempDir(), 'unit.key');
    await writeKeyFile(file, DeviceIdentity.generate('amb-test-01'), { createdAt: T0 });
    await chmod(file, 0o400);
    expect((await readKeyFile(file)).ok).toBe(true);
  });

  it('reports a missing file as unreadable', async () => {
    const read = await readKeyFile(join(await tempDir(), 'none.key'));
    expect(!read.ok && read.error.code).toBe(KeyFileErrorCode.UNREADABLE);
  });

  it('seals the private keys under a passphrase', () => {
    const identity = DeviceIdentity.generate('hosp-test-a');
    const text = encodeKeyFile(identity, { createdAt: T0, passphrase: 'correct horse', kdf: FAST_KDF });
    expect(text).toContain('argon2id-secretbox');
    const opened = decodeKeyFile(text, 'correct horse');
    expect(opened.ok && opened.value.keyIdHex).toBe(identity.keyIdHex);
    const none = decodeKeyFile(text);
    expect(!none.ok && none.error.code).toBe(KeyFileErrorCode.PASSPHRASE_REQUIRED);
    const wrong = decodeKeyFile(text, 'wrong horse');
    expect(!wrong.ok && wrong.error.code).toBe(KeyFileErrorCode.PASSPHRASE_WRONG);
  });

  it('refuses a sealed file whose KDF cost was lowered', () => {
    const text = encodeKeyFile(DeviceIdentity.generate('hosp-test-a'), {
      createdAt: T0,
      passphrase: 'p',
      kdf: FAST_KDF,
    });
    for (const weakened of [
      text.replace('"opsLimit": 2', '"opsLimit": 1'),
      text.replace('"memLimit": 67108864', '"memLimit": 8388608'),
    ]) {
      expect(weakened).not.toBe(text);
      const read = decodeKeyFile(weakened, 'p');
      expect(!read.ok && read.error.code).toBe(KeyFileErrorCode.MALFORMED);
    }
  });

  it('refuses private keys that do not match the stated public keys', () => {
    const text = encodeKeyFile(
      DeviceIdentity.fromSecrets('amb-test-01', new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)),
      {
        createdAt: T0,
      },
    );
    const swapped = text.replace(seedText(1), seedText(3));
    const read = decodeKeyFile(swapped);
    expect(!read.ok && read.error.code).toBe(KeyFileErrorCode.INCONSISTENT);
    expect(decodeKeyFile('{').ok).toBe(false);
  });

  it('never shows a private key in strings, JSON, inspect or errors', async () => {
    const seed = new Uint8Array(32).fill(0x41);
    const x = new Uint8Array(32).fill(0x42);
    const identity = DeviceIdentity.fromSecrets('amb-test-01', seed, x);
    const file = join(await tempDir(), 'unit.key');
    await writeKeyFile(file, identity, { createdAt: T0 });
    const secretForms = [
      toBase64(seed),
      toBase64(x),
      Buffer.from(seed).toString('hex'),
      Buffer.from(x).toString('hex'),
    ];
    expect((await readFile(file, 'utf8')).includes(toBase64(seed))).toBe(true);
    await chmod(file, 0o644);
    const refused = await readKeyFile(file);
    const texts = [
      String(identity),
      JSON.stringify(identity),
      JSON.stringify({ nested: identity }),
      inspect(identity, { depth: 10, showHidden: true }),
      JSON.stringify(refused),
      Object.keys(identity).join(','),
      JSON.stringify(Object.entries(identity)),
    ];
    for (const text of texts) for (const secret of secretForms) expect(text).not.toContain(secret);
    expect(String(identity)).toContain(identity.keyIdHex);
  });

  it('is unusable once wiped', () => {
    const identity = DeviceIdentity.generate('amb-test-01');
    identity.wipe();
    expect(() => identity.sign(new Uint8Array(1))).toThrow(/wiped/);
  });
});
