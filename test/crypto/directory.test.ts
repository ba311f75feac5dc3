import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DirectoryErrorCode,
  DirectorySource,
  signDirectory,
  verifyDirectory,
  type KeyDirectory,
} from '../../src/crypto/index.js';
import { createLogger } from '../../src/log/index.js';
import { DAY, directoryOf, fixedIdentity, operator, payloadOf, signedText, T0 } from './support.js';

const unit = fixedIdentity('amb-test-01', 1);
const unitNext = fixedIdentity('amb-test-01', 31);
const hospital = fixedIdentity('hosp-test-a', 3);

const waitFor = async (predicate: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('key directory', () => {
  it('verifies with the pinned operator key and nothing else', () => {
    const text = signedText([{ identity: unit, role: 'ambulance' }]);
    expect(verifyDirectory(text, operator.publicKeys.ed25519).ok).toBe(true);
    const other = verifyDirectory(text, hospital.publicKeys.ed25519);
    expect(!other.ok && other.error.code).toBe(DirectoryErrorCode.BAD_SIGNATURE);
  });

  it('refuses a payload changed after signing', () => {
    const text = signedText([{ identity: unit, role: 'ambulance' }]);
    const file = JSON.parse(text) as { payload: string };
    const tampered = JSON.stringify({ ...file, payload: file.payload.replace('"ambulance"', '"hospital"') });
    const result = verifyDirectory(tampered, operator.publicKeys.ed25519);
    expect(!result.ok && result.error.code).toBe(DirectoryErrorCode.BAD_SIGNATURE);
  });

  it('refuses to sign entries whose key id does not match the keys, or with a backwards period', () => {
    const payload = payloadOf([{ identity: unit, role: 'ambulance' }]);
    const wrongId = signDirectory(
      { ...payload, entries: payload.entries.map((e) => ({ ...e, keyId: hospital.keyIdHex })) },
      operator,
    );
    expect(!wrongId.ok && wrongId.error.code).toBe(DirectoryErrorCode.MALFORMED);
    const backwards = signDirectory(
      { ...payload, entries: payload.entries.map((e) => ({ ...e, validUntil: e.validFrom })) },
      operator,
    );
    expect(!backwards.ok && backwards.error.code).toBe(DirectoryErrorCode.MALFORMED);
    expect(signDirectory({ region: 'x' }, operator).ok).toBe(false);
  });

  it('rotates by two keys valid during an overlap', () => {
    const rotationStart = T0 + 10 * DAY;
    const oldUntil = T0 + 12 * DAY;
    const d: KeyDirectory = directoryOf([
      { identity: unit, role: 'ambulance', validFrom: T0 - DAY, validUntil: oldUntil },
      { identity: unitNext, role: 'ambulance', validFrom: rotationStart, validUntil: T0 + 400 * DAY },
    ]);
    expect(d.currentKey('amb-test-01', T0)?.keyIdHex).toBe(unit.keyIdHex);
    expect(d.lookup(unitNext.keyIdHex, T0).status).toBe('not-yet-valid');
    // During the overlap both verify; the new one is used for sealing.
    const during = rotationStart + DAY;
    expect(d.lookup(unit.keyIdHex, during).status).toBe('valid');
    expect(d.lookup(unitNext.keyIdHex, during).status).toBe('valid');
    expect(d.currentKey('amb-test-01', during)?.keyIdHex).toBe(unitNext.keyIdHex);
    expect(d.lookup(unit.keyIdHex, oldUntil).status).toBe('expired');
    expect(d.lookup(hospital.keyIdHex, during).status).toBe('unknown');
  });

  it('treats a revoked key as revoked from its revocation time', () => {
    const d = directoryOf([{ identity: unit, role: 'ambulance', revokedAt: T0 + 1000 }]);
    expect(d.lookup(unit.keyIdHex, T0).status).toBe('valid');
    expect(d.lookup(unit.keyIdHex, T0 + 1000).status).toBe('revoked');
    expect(d.currentKey('amb-test-01', T0 + 1000)).toBeUndefined();
  });
});

describe('DirectorySource', () => {
  it('reloads when the file changes, keeps the last good directory when the new one is bad', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ems-dir-'));
    const file = join(dir, 'directory.json');
    await writeFile(file, signedText([{ identity: unit, role: 'ambulance' }], 1));
    const lines: string[] = [];
    const logger = createLogger({ sink: (line) => lines.push(line) });
    const loaded = await DirectorySource.load(file, operator.publicKeys.ed25519, logger);
    if (!loaded.ok) throw new Error(loaded.error.message);
    const source = loaded.value;
    source.watch();
    const refused: string[] = [];
    source.on('refused', (p) => refused.push(p.code));

    // Replaced by rename, as an operator's tooling does.
    await writeFile(
      join(dir, 'next.tmp'),
      signedText(
        [
          { identity: unit, role: 'ambulance' },
          { identity: hospital, role: 'hospital' },
        ],
        2,
      ),
    );
    await rename(join(dir, 'next.tmp'), file);
    await waitFor(() => source.current.serial === 2);
    expect(source.current.entries).toHaveLength(2);

    await writeFile(file, '{ not json');
    await waitFor(() => refused.includes(DirectoryErrorCode.MALFORMED));
    expect(source.current.serial).toBe(2);

    // An old, validly signed directory is a rollback.
    await writeFile(file, signedText([{ identity: unit, role: 'ambulance' }], 1));
    await waitFor(() => refused.includes(DirectoryErrorCode.ROLLBACK));
    expect(source.current.serial).toBe(2);

    const forged = JSON.parse(signedText([{ identity: unit, role: 'ambulance' }], 3)) as Record<
      string,
      string
    >;
    await writeFile(file, JSON.stringify({ ...forged, signature: Buffer.alloc(64, 1).toString('base64') }));
    await waitFor(() => refused.includes(DirectoryErrorCode.BAD_SIGNATURE));
    expect(source.current.serial).toBe(2);
    await source.close();
    expect(lines.some((l) => l.includes('key directory refused; keeping the last good one'))).toBe(true);
  });

  it('refuses to start on a bad file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ems-dir-'));
    const missing = await DirectorySource.load(
      join(dir, 'none.json'),
      operator.publicKeys.ed25519,
      createLogger({ sink: () => undefined }),
    );
    expect(!missing.ok && missing.error.code).toBe(DirectoryErrorCode.UNREADABLE);
  });
});
