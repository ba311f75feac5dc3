import { chmod, mkdtemp, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readDirectoryFile,
  readKeyFile,
  signDirectory,
  type DirectoryPayload,
} from '../../src/crypto/index.js';
import { createLogger } from '../../src/log/index.js';
import { DEMO_PRINCIPALS, startDemo } from '../../src/roles/demo.js';

const quiet = createLogger({ sink: () => undefined });

describe('demo keys', () => {
  it('creates keys and a signed directory once, reuses them, and every role is ready with its keys', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ems-demo-'));
    const options = { dataDir, portBase: 0, mqttPort: 0, env: {}, logger: quiet };
    const first = await startDemo(options);
    try {
      for (const role of first.roles) {
        const ready = (await (await fetch(`${role.url}/readyz`)).json()) as {
          checks: Record<string, { ready: boolean }>;
        };
        expect(ready.checks['keys']?.ready, role.id).toBe(true);
      }
    } finally {
      await first.stop();
    }
    const keysDir = join(dataDir, 'keys');
    const directoryText = await readFile(join(keysDir, 'directory.json'), 'utf8');
    const ambulanceKey = await readKeyFile(join(keysDir, `${DEMO_PRINCIPALS.ambulance}.key`));
    expect(ambulanceKey.ok).toBe(true);
    expect((await stat(join(keysDir, `${DEMO_PRINCIPALS.records}.key`))).mode & 0o777).toBe(0o600);
    const operator = await readKeyFile(join(keysDir, 'operator-demo.key'));
    if (!operator.ok) throw new Error(operator.error.code);
    const directory = await readDirectoryFile(
      join(keysDir, 'directory.json'),
      operator.value.publicKeys.ed25519,
    );
    expect(directory.ok && directory.value.entries.map((e) => e.principal).sort()).toEqual(
      [
        DEMO_PRINCIPALS.ambulance,
        ...DEMO_PRINCIPALS.hospitals,
        DEMO_PRINCIPALS.dispatch,
        DEMO_PRINCIPALS.records,
      ].sort(),
    );

    const second = await startDemo(options);
    await second.stop();
    expect(await readFile(join(keysDir, 'directory.json'), 'utf8')).toBe(directoryText);
    const again = await readKeyFile(join(keysDir, `${DEMO_PRINCIPALS.ambulance}.key`));
    expect(again.ok && ambulanceKey.ok && again.value.keyIdHex === ambulanceKey.value.keyIdHex).toBe(true);
  });

  it('reloads a re-signed directory while running: a revoked key makes its role not ready', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ems-demo-'));
    const demo = await startDemo({ dataDir, portBase: 0, mqttPort: 0, env: {}, logger: quiet });
    try {
      const keysDir = join(dataDir, 'keys');
      const operator = await readKeyFile(join(keysDir, 'operator-demo.key'));
      if (!operator.ok) throw new Error(operator.error.code);
      const file = JSON.parse(await readFile(join(keysDir, 'directory.json'), 'utf8')) as { payload: string };
      const payload = JSON.parse(file.payload) as DirectoryPayload;
      const revokedAt = new Date(Date.now() - 1000).toISOString();
      const signed = signDirectory(
        {
          ...payload,
          serial: payload.serial + 1,
          entries: payload.entries.map((e) =>
            e.principal === DEMO_PRINCIPALS.dispatch ? { ...e, revokedAt } : e,
          ),
        },
        operator.value,
      );
      if (!signed.ok) throw new Error(signed.error.code);
      await writeFile(join(keysDir, 'next.tmp'), signed.value);
      await rename(join(keysDir, 'next.tmp'), join(keysDir, 'directory.json'));
      const dispatch = demo.roles.find((r) => r.id === DEMO_PRINCIPALS.dispatch);
      const readyz = async (): Promise<{ checks: Record<string, { ready: boolean; reason?: string }> }> =>
        (await (await fetch(`${dispatch?.url}/readyz`)).json()) as {
          checks: Record<string, { ready: boolean }>;
        };
      const start = Date.now();
      while ((await readyz()).checks['keys']?.ready !== false) {
        if (Date.now() - start > 10_000) throw new Error('the directory was not reloaded');
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect((await readyz()).checks['keys']?.reason).toContain('revoked');
    } finally {
      await demo.stop();
    }
  });

  it('refuses to start a role whose key file is readable by others', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ems-demo-'));
    const options = { dataDir, portBase: 0, mqttPort: 0, env: {}, logger: quiet };
    await (await startDemo(options)).stop();
    await chmod(join(dataDir, 'keys', `${DEMO_PRINCIPALS.hospitals[0]}.key`), 0o644);
    await expect(startDemo(options)).rejects.toMatchObject({ code: 'KEY_FILE_PERMISSIONS' });
  });
});
