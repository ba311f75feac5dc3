import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BrokerLink,
  DEFAULT_SESSION_EXPIRY_SECONDS,
  MAX_PACKET_BYTES,
  topics,
  type MessageHandler,
} from '../../src/hospital-feed/index.js';
import { MosquittoBroker, type Pki } from '../support/feed/mosquitto.js';
import { ROOT } from '../support/paths.js';
import { waitFor } from '../support/wait.js';

// The shipped deploy/mosquitto files, started the way docs/deployment.md installs them (make-conf.sh,
// make-acl.sh, make-test-pki.sh) against this machine's Mosquitto (Debian 12: 2.0.11).
const DEPLOY = join(ROOT, 'deploy', 'mosquitto');
let broker: MosquittoBroker;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mosq-deploy-'));
  broker = await MosquittoBroker.create(dir, {
    units: ['amb-demo-01', 'amb-demo-02'],
    hospitals: ['hosp-demo-a', 'hosp-demo-b'],
    dispatch: ['dispatch-demo'],
  });
});

afterAll(async () => {
  await broker.stop();
});

/**
 * A gateway's link (persistent session, MQTT 5) with the certificate of `principal`, connected once its
 * handler is set, as the roles do (listeners added right after still see the first CONNACK).
 */
const link = (
  pki: Pki,
  principal: string,
  { clientId = principal, handler = (): Promise<void> => Promise.resolve() }: LinkOptions = {},
): BrokerLink => {
  const opened = BrokerLink.open({
    url: broker.url,
    protocolVersion: 5,
    clientId,
    sessionExpirySeconds: DEFAULT_SESSION_EXPIRY_SECONDS,
    reconnectPeriodMs: 250,
    caFile: pki.ca,
    certFile: pki.cert(principal),
    keyFile: pki.key(principal),
  });
  opened.onMessage(handler);
  opened.connect();
  return opened;
};
interface LinkOptions {
  readonly clientId?: string;
  readonly handler?: MessageHandler;
}

/** One connection attempt with `principal`'s certificate, no retries: did the broker let it in? */
const connects = (principal: string): Promise<boolean> =>
  new Promise((resolve) => {
    const client = mqtt.connect(broker.url, {
      protocolVersion: 5,
      clientId: principal,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      ca: readFileSync(broker.pki.ca),
      cert: readFileSync(broker.pki.cert(principal)),
      key: readFileSync(broker.pki.key(principal)),
    });
    const done = (ok: boolean): void => {
      client.end(true);
      resolve(ok);
    };
    client.once('connect', () => done(true));
    client.once('error', () => done(false));
    client.once('close', () => done(false));
  });

const rssKiB = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

describe('the shipped Mosquitto configuration', () => {
  it('is what make-conf.sh prints for the production paths, and it starts (L6)', () => {
    const production = execFileSync(join(DEPLOY, 'make-conf.sh'), [
      '/etc/mosquitto/ems',
      '/var/lib/mosquitto',
      '8883',
    ]);
    expect(production.toString()).toBe(readFileSync(join(DEPLOY, 'mosquitto.conf'), 'utf8'));
    // The file the broker of this suite runs differs from the shipped one only in paths and port.
    const running = readFileSync(broker.config, 'utf8').split('\n');
    const shipped = readFileSync(join(DEPLOY, 'mosquitto.conf'), 'utf8').split('\n');
    const changed = shipped.filter((line, i) => running[i] !== line);
    expect(running).toHaveLength(shipped.length);
    expect(changed).toEqual([
      'listener 8883',
      'cafile /etc/mosquitto/ems/ca.crt',
      'certfile /etc/mosquitto/ems/server.crt',
      'keyfile /etc/mosquitto/ems/server.key',
      'crlfile /etc/mosquitto/ems/crl.pem',
      'acl_file /etc/mosquitto/ems/acl',
      'persistence_location /var/lib/mosquitto/',
    ]);
    // The demo broker (aedes) enforces the same packet limit.
    expect(shipped).toContain(`max_packet_size ${MAX_PACKET_BYTES}`);
    // Nagle off on the broker's sockets (docs/protocol.md, "Latency"), and the broker starts with it.
    expect(shipped).toContain('set_tcp_nodelay true');
    expect(broker.pid).toBeDefined();
  });

  it.runIf(process.getuid?.() === 0)(
    'started as root, runs as the mosquitto user and still reads its server key (R2)',
    async () => {
      const pid = broker.pid;
      if (pid === undefined) throw new Error('broker not running');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      expect(uid).toBe(Number(execFileSync('id', ['-u', 'mosquitto'], { encoding: 'utf8' })));
      // The TLS listener works, so the dropped user read server.key.
      expect(await connects('amb-demo-01')).toBe(true);
    },
  );

  it("keeps a principal's session and queued messages from another certificate using its client id (M4)", async () => {
    const victim = link(broker.pki, 'hosp-demo-a');
    const kicked: string[] = [];
    victim.on('down', (reason) => kicked.push(reason));
    await waitFor(() => victim.isUp, 'hospital up');
    expect((await victim.subscribe(topics.hospitalInbox('hosp-demo-a'))).ok).toBe(true);

    // Another hospital's certificate, the victim's client id, while the victim is connected.
    const intruder = link(broker.pki, 'hosp-demo-b', { clientId: 'hosp-demo-a' });
    const intruderSessions: boolean[] = [];
    intruder.on('up', (sessionPresent) => intruderSessions.push(sessionPresent));
    await waitFor(() => intruder.isUp, 'intruder up');
    await intruder.close();
    expect(intruderSessions).toEqual([false]);
    expect(kicked).toEqual([]);

    // The victim goes offline; three reports queue for it; the intruder comes back with its client id.
    await victim.close();
    const unit = link(broker.pki, 'amb-demo-01');
    await waitFor(() => unit.isUp, 'unit up');
    for (const n of [1, 2, 3])
      expect((await unit.publish(topics.hospitalInbox('hosp-demo-a'), new Uint8Array([n]))).ok).toBe(true);
    await unit.close();
    const stolen: number[] = [];
    const again = link(broker.pki, 'hosp-demo-b', {
      clientId: 'hosp-demo-a',
      handler: (_topic, payload) => Promise.resolve(void stolen.push(...payload)),
    });
    await waitFor(() => again.isUp, 'intruder up again');
    await again.close();

    // Back online, the victim still finds its session and every queued report.
    const received: number[] = [];
    const back = link(broker.pki, 'hosp-demo-a', {
      handler: (_topic, payload) => Promise.resolve(void received.push(...payload)),
    });
    await waitFor(() => received.length === 3, 'queued reports delivered to their hospital', 5_000);
    expect(received).toEqual([1, 2, 3]);
    expect(stolen).toEqual([]);
    await back.close();
  });

  it('refuses a revoked certificate once the CRL is reloaded, and keeps the others (M4, crlfile)', async () => {
    expect(await connects('amb-demo-02')).toBe(true);
    broker.revoke('amb-demo-02');
    broker.reload();
    await waitFor(async () => !(await connects('amb-demo-02')), 'revoked certificate refused', 5_000);
    expect(await connects('amb-demo-01')).toBe(true);
  });

  it('refuses retained messages on inboxes that do not exist, so a unit cannot fill the broker (L5)', async () => {
    const pid = broker.pid;
    if (pid === undefined) throw new Error('broker not running');
    const unit = link(broker.pki, 'amb-demo-01');
    await waitFor(() => unit.isUp, 'unit up');
    const before = rssKiB(pid);
    // 40 retained publishes of ~1 MB (under max_packet_size) to invented hospital and dispatch inboxes.
    const payload = new Uint8Array(1_000_000).fill(0x41);
    const results: boolean[] = [];
    for (let i = 0; i < 40; i++) {
      const topic =
        i % 2 === 0 ? topics.hospitalInbox(`hosp-fake-${i}`) : topics.dispatchInbox(`disp-fake-${i}`);
      results.push((await unit.publish(topic, payload, true)).ok);
    }
    const grownKiB = rssKiB(pid) - before;
    await unit.close();
    expect(results.filter(Boolean)).toEqual([]);
    // 40 MB retained before the fix; what is left is buffers the broker reuses.
    expect(grownKiB).toBeLessThan(16 * 1024);
  });
});
