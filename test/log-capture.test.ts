import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, phi } from '../src/log/index.js';
import { cardholder, identifyingStrings } from '../src/sim/index.js';
import { ROOT } from './support/paths.js';
import { scanForPhi } from './support/phi-scan.js';

const holder = cardholder(1, 0);

const captured = (log: (logger: ReturnType<typeof createLogger>) => void): string => {
  const lines: string[] = [];
  log(createLogger({ sink: (line) => lines.push(line) }));
  return lines.join('');
};

describe('log capture check', () => {
  it('finds a holder value logged in plain text, for every kind of identifying string', () => {
    for (const value of identifyingStrings(holder)) {
      const text = captured((l) => l.info('x', { value }));
      expect(scanForPhi(text)).toHaveLength(1);
    }
  });

  it('finds nothing when the same values are wrapped as Phi', () => {
    const text = captured((l) => {
      l.info('name', { name: phi(holder.fullName), birth: phi(holder.birthDate) });
      l.child({ serial: phi(holder.certificateSerial) }).warn('serial');
    });
    expect(text).toContain('[redacted]');
    expect(scanForPhi(text)).toEqual([]);
  });

  it('fails a whole vitest run in which a test logs a patient name on purpose', () => {
    const capture = join(mkdtempSync(join(tmpdir(), 'ems-leak-')), 'capture.jsonl');
    const run = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--config',
        'test/fixtures/log-leak/vitest.config.ts',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, EMS_TEST_LOG_CAPTURE: capture },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(run.status).toBe(1);
    expect(run.stderr + run.stdout).toContain('log capture: patient data found in 1 of 1 captured log lines');
    expect(readFileSync(capture, 'utf8')).toContain('deliberate leak');
    // The inner run compiles dist/ and starts its own workers: give it the inner timeout and more.
  }, 90_000);
});
