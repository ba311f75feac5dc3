import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PcscBackend } from '../../src/reader/index.js';
import { waitFor } from '../support/wait.js';

/**
 * pcsclite is an optional dependency: where it did not build, the worker cannot load it and exits
 * with code 13. The backend must say so once and stop, not respawn the worker forever.
 */
it('reports a missing pcsclite binding once and does not restart the worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ems-pcsc-missing-'));
  const starts = join(dir, 'starts');
  writeFileSync(starts, '');
  const worker = join(dir, 'worker.mjs');
  writeFileSync(
    worker,
    `import { appendFileSync } from 'node:fs';\nappendFileSync(${JSON.stringify(starts)}, 'x');\nprocess.exit(13);\n`,
  );
  const backend = new PcscBackend({ worker: { module: worker }, restartMinMs: 10, restartMaxMs: 20 });
  try {
    await waitFor(() => backend.bindingMissing, 'binding reported missing');
    expect(backend.up).toBe(false);
    // Several restart periods later, still exactly one start.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(readFileSync(starts, 'utf8')).toBe('x');
  } finally {
    await backend.close();
  }
});
