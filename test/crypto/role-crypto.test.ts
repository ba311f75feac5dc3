import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig, type RoleConfig } from '../../src/config/index.js';
import { DeviceIdentity, toBase64, writeKeyFile } from '../../src/crypto/index.js';
import { silentLogger } from '../../src/log/index.js';
import { loadRoleCrypto } from '../../src/roles/crypto.js';
import { operator, signedText, T0 } from './support.js';

const setup = async (): Promise<{ dir: string; config: (keys: Record<string, unknown>) => RoleConfig }> => {
  const dir = await mkdtemp(join(tmpdir(), 'ems-role-keys-'));
  const current = DeviceIdentity.generate('hosp-role-a');
  const previous = DeviceIdentity.generate('hosp-role-a');
  const other = DeviceIdentity.generate('hosp-role-b');
  // libsodium's INTERACTIVE Argon2id cost, the least the format accepts, keeps the test fast.
  const sealed = {
    createdAt: T0,
    passphrase: 'synthetic passphrase',
    kdf: { opsLimit: 2, memLimit: 64 * 1024 * 1024 },
  };
  await writeKeyFile(join(dir, 'current.key'), current, sealed);
  await writeKeyFile(join(dir, 'previous.key'), previous, sealed);
  await writeKeyFile(join(dir, 'other.key'), other, { createdAt: T0 });
  await writeFile(
    join(dir, 'directory.json'),
    signedText([
      { identity: current, role: 'hospital' },
      { identity: previous, role: 'hospital' },
    ]),
  );
  const config = (keys: Record<string, unknown>): RoleConfig => {
    const result = validateConfig({
      role: 'hospital',
      id: 'hosp-role-a',
      dataDir: dir,
      mqtt: { url: 'mqtt://127.0.0.1:1' },
      keys,
      directory: {
        file: join(dir, 'directory.json'),
        operatorPublicKey: toBase64(operator.publicKeys.ed25519),
      },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    return result.value;
  };
  return { dir, config };
};

describe('role keys at start', () => {
  it('loads a passphrase-sealed key and the retiring key of a rotation', async () => {
    const { dir, config } = await setup();
    const loaded = await loadRoleCrypto(
      config({
        file: join(dir, 'current.key'),
        previousFile: join(dir, 'previous.key'),
        passphraseEnv: 'KEY_PASS',
      }),
      { KEY_PASS: 'synthetic passphrase' },
      silentLogger,
    );
    expect(loaded.keys).toHaveLength(2);
    expect(loaded.keys[0]).toBe(loaded.identity);
    await loaded.directory.close();
  });

  it('refuses a missing passphrase, a wrong one, and a key of another principal, by code', async () => {
    const { dir, config } = await setup();
    const sealedKeys = { file: join(dir, 'current.key'), passphraseEnv: 'KEY_PASS' };
    await expect(loadRoleCrypto(config(sealedKeys), {}, silentLogger)).rejects.toMatchObject({
      code: 'KEY_FILE_PASSPHRASE_REQUIRED',
    });
    await expect(
      loadRoleCrypto(config(sealedKeys), { KEY_PASS: 'wrong' }, silentLogger),
    ).rejects.toMatchObject({
      code: 'KEY_FILE_PASSPHRASE_WRONG',
    });
    await expect(
      loadRoleCrypto(config({ file: join(dir, 'other.key') }), {}, silentLogger),
    ).rejects.toMatchObject({
      code: 'KEY_FILE_INCONSISTENT',
    });
  });

  it('refuses a config without keys or with a malformed operator key', () => {
    const missing = validateConfig({ role: 'hospital', id: 'hosp-x', mqtt: { url: 'mqtt://127.0.0.1:1' } });
    expect(!missing.ok && missing.error.map((p) => p.path)).toEqual(
      expect.arrayContaining(['keys', 'directory']),
    );
    const bad = validateConfig({
      role: 'hospital',
      id: 'hosp-x',
      mqtt: { url: 'mqtt://127.0.0.1:1' },
      keys: { file: 'k' },
      directory: { file: 'd', operatorPublicKey: 'not-a-key' },
    });
    expect(!bad.ok && bad.error.map((p) => p.path)).toEqual(['directory.operatorPublicKey']);
  });
});
