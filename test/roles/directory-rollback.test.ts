import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/index.js';
import {
  entryFor,
  readKeyFile,
  signDirectory,
  toError,
  type DeviceIdentity,
} from '../../src/crypto/index.js';
import { createLogger } from '../../src/log/index.js';
import { DIRECTORY_SEEN_FILE } from '../../src/roles/crypto.js';
import { ensureDemoKeys } from '../../src/roles/demo-keys.js';
import { startConfiguredRole } from '../../src/roles/index.js';

const HOSPITAL = 'hosp-roll-a';
const UNIT = 'amb-roll-01';
const DAY = 86_400_000;

const identityOf = async (file: string): Promise<DeviceIdentity> => {
  const read = await readKeyFile(file);
  if (!read.ok) throw toError(read.error);
  return read.value;
};

/**
 * Issue 12, M3: a key revoked in directory serial 2 must not come back when the role restarts with
 * serial 1 (an old file restored from a backup, or planted by someone who can write it).
 */
describe('the key directory across a restart', () => {
  it('refuses to start with a directory older than the newest one it accepted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ems-rollback-'));
    const now = Date.now();
    const keys = await ensureDemoKeys(
      dir,
      [
        { id: HOSPITAL, role: 'hospital', displayName: 'Rollback hospital' },
        { id: UNIT, role: 'ambulance', displayName: 'Rollback unit' },
      ],
      now,
    );
    const serialOne = readFileSync(keys.directoryFile, 'utf8');
    const operator = await identityOf(keys.keyFile('operator-demo'));
    const hospital = await identityOf(keys.keyFile(HOSPITAL));
    const unit = await identityOf(keys.keyFile(UNIT));
    // Serial 2 revokes the unit's key (a stolen tablet).
    const serialTwo = signDirectory(
      {
        region: 'demo',
        serial: 2,
        issuedAt: new Date(now).toISOString(),
        entries: [
          entryFor(hospital, 'hospital', 'Rollback hospital', now - DAY, now + 365 * DAY),
          {
            ...entryFor(unit, 'ambulance', 'Rollback unit', now - DAY, now + 365 * DAY),
            revokedAt: new Date(now - 60_000).toISOString(),
          },
        ],
      },
      operator,
    );
    [operator, hospital, unit].forEach((i) => i.wipe());
    if (!serialTwo.ok) throw toError(serialTwo.error);
    writeFileSync(keys.directoryFile, serialTwo.value);

    const config = validateConfig({
      role: 'hospital',
      id: HOSPITAL,
      dataDir: join(dir, HOSPITAL),
      http: { port: 0 },
      // No broker runs: the role starts without one (readiness says so); the directory is the point.
      mqtt: { url: 'mqtt://127.0.0.1:1', protocolVersion: 4 },
      keys: { file: keys.keyFile(HOSPITAL) },
      directory: { file: keys.directoryFile, operatorPublicKey: keys.operatorPublicKey },
    });
    if (!config.ok) throw new Error(JSON.stringify(config.error));
    const logger = createLogger({ level: 'error' });
    const first = await startConfiguredRole(config.value, { env: {}, logger });
    await first.stop();
    const seen = join(dir, HOSPITAL, DIRECTORY_SEEN_FILE);
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual({ serial: 2, issuedAt: now });
    expect((statSync(seen).mode & 0o777).toString(8)).toBe('600');

    // The old, validly signed serial 1 is back in place of serial 2.
    writeFileSync(keys.directoryFile, serialOne);
    await expect(startConfiguredRole(config.value, { env: {}, logger })).rejects.toThrow(
      /serial 1 is older than serial 2/,
    );
  });
});
