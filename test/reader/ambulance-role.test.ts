import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startDemo, type RunningDemo } from '../../src/roles/demo.js';

let demo: RunningDemo | undefined;
afterAll(async () => demo?.stop());

it('the demo makes the emulator test CA on first run and the ambulance reports the reader ready', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ems-demo-'));
  demo = await startDemo({ dataDir, portBase: 0, mqttPort: 0, env: {} });
  const ambulance = demo.roles.find((r) => r.role === 'ambulance');
  expect(ambulance).toBeDefined();
  let checks: Record<string, { ready: boolean }> = {};
  const poll = async (): Promise<void> => {
    const body = (await (await fetch(`${ambulance?.url}/readyz`)).json()) as { checks: typeof checks };
    checks = body.checks;
  };
  const deadline = Date.now() + 15_000;
  do await poll();
  while (checks['reader']?.ready !== true && Date.now() < deadline);
  expect(checks['reader']).toEqual({ ready: true });
}, 60_000);
