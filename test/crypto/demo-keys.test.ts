import { chmod, mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDirectoryFile, readKeyFile } from '../../src/crypto/index.js';
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

  it('refuses to start a role whose key file is readable by others', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ems-demo-'));
    const options = { dataDir, portBase: 0, mqttPort: 0, env: {}, logger: quiet };
    await (await startDemo(options)).stop();
    await chmod(join(dataDir, 'keys', `${DEMO_PRINCIPALS.hospitals[0]}.key`), 0o644);
    await expect(startDemo(options)).rejects.toMatchObject({ code: 'KEY_FILE_PERMISSIONS' });
  });
});
