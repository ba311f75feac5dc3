import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../support/cli.js';
import { waitFor } from '../support/wait.js';

/** The README's first quick-start command, as a process: `ems-gateway demo` on free ports. */
describe('demo', () => {
  let demo: CliProcess;
  let urls: string[] = [];

  beforeAll(async () => {
    demo = CliProcess.start([
      'demo',
      '--port-base',
      '0',
      '--mqtt-port',
      '0',
      '--data-dir',
      mkdtempSync(join(tmpdir(), 'ems-demo-')),
    ]);
    await demo.waitForOutput(/Ctrl-C stops/, 45_000);
    urls = [
      ...demo.stdout.matchAll(/^ {2}(ambulance|hospital|dispatch) \S+ +(http:\/\/127\.0\.0\.1:\d+)\/$/gm),
    ].map((m) => m[2] as string);
  });

  afterAll(async () => {
    await demo.stop();
  });

  it('prints the broker and one screen URL per role: 1 ambulance, 3 hospitals, 1 dispatch', () => {
    expect(demo.stdout).toMatch(/MQTT broker \(aedes\) +mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(demo.stdout.match(/^ {2}ambulance /gm)).toHaveLength(1);
    expect(demo.stdout.match(/^ {2}hospital /gm)).toHaveLength(3);
    expect(demo.stdout.match(/^ {2}dispatch /gm)).toHaveLength(1);
    expect(urls).toHaveLength(5);
  });

  it('answers /healthz 200 on every role', async () => {
    for (const url of urls) {
      const response = await fetch(`${url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    }
  });

  it('becomes ready on every role once the broker link is up', async () => {
    for (const url of urls) {
      const body = await waitFor(async () => {
        const response = await fetch(`${url}/readyz`);
        return response.status === 200
          ? ((await response.json()) as { checks: Record<string, unknown> })
          : undefined;
      }, `${url}/readyz`);
      expect(body.checks['broker']).toEqual({ ready: true });
    }
  });

  it('serves Prometheus metrics on every role', async () => {
    for (const url of urls) {
      const response = await fetch(`${url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(await response.text()).toMatch(/^ems_broker_connected\{.*\} 1$/m);
    }
  });

  it('serves each role’s screen', async () => {
    for (const url of urls) {
      const response = await fetch(`${url}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
    }
  });

  it('stops cleanly on Ctrl-C', async () => {
    expect(await demo.stop('SIGINT')).toBe(0);
  });
});
