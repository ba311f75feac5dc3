import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/paths.js';

/** mqtt-packet as mqtt.js itself resolves it (the module whose number cache is in question). */
const mqttPacketNumbers = createRequire(createRequire(`${ROOT}package.json`).resolve('mqtt')).resolve(
  'mqtt-packet/numbers.js',
);

/**
 * Issue 16 (a role process idle ≤ 80 MB). mqtt.js by default makes mqtt-packet build, on the first
 * packet it writes, a cache of all 65,536 two-byte packet identifiers as Buffers: ~6 MiB of old space
 * (a heap snapshot of an idle hospital: 6.2 MB of Buffer objects and 0.6 MB of elements) that every
 * role process kept for good. The broker link turns it off (`writeCache: false`).
 */
describe('the broker link’s memory', () => {
  it('writes its packets without building mqtt-packet’s 65,536-entry number cache', () => {
    // A fresh process of the built code: the cache is module state shared by every client in it.
    const script = `
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
const { BrokerLink } = await import(${JSON.stringify(pathToFileURL(`${ROOT}dist/src/hospital-feed/index.js`).href)});
const numbers = createRequire(import.meta.url)(${JSON.stringify(mqttPacketNumbers)});
// A TCP listener that only reads: the CONNECT packet mqtt.js writes to it is the first packet.
const server = createServer((socket) => socket.once('data', (bytes) => {
  process.stdout.write(JSON.stringify({ firstByte: bytes[0], cached: Object.keys(numbers.cache).length }));
  process.exit(0);
}));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const link = BrokerLink.open({ url: 'mqtt://127.0.0.1:' + server.address().port, protocolVersion: 5, clientId: 'link-memory' });
link.onMessage(async () => undefined);
link.connect();`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(run.stdout) as { firstByte: number; cached: number };
    // 0x10: a CONNECT (MQTT 5.0 §3.1.1), so the link did write a packet through mqtt-packet.
    expect(seen.firstByte).toBe(0x10);
    expect(seen.cached).toBe(0);
  });
});
