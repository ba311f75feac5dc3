import { mkdtempSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerLink } from '../../src/hospital-feed/index.js';
import { makePki, MosquittoBroker, type Pki } from '../support/feed/mosquitto.js';
import { waitFor } from '../support/wait.js';

const UNIT = 'amb-tls-01';
let broker: MosquittoBroker;
let otherPki: Pki;

beforeAll(async () => {
  broker = await MosquittoBroker.create(mkdtempSync(join(tmpdir(), 'link-tls-')), {
    units: [UNIT],
    hospitals: [],
    dispatch: [],
  });
  // A CA of its own, as an attacker's broker would present: same shape, another key.
  otherPki = makePki(mkdtempSync(join(tmpdir(), 'link-tls-other-')), [UNIT]);
});

afterAll(async () => {
  await broker.stop();
});

/**
 * A TCP relay to the broker on `host` (any loopback address): TLS still runs end to end between the
 * link and Mosquitto, so the server certificate the link checks is Mosquitto's (SAN localhost and
 * 127.0.0.1, deploy/mosquitto/make-test-pki.sh) whatever address the link dialled. Counts the
 * connections it saw end, so a test can wait for the link to have tried and tried again.
 */
const relay = async (host: string): Promise<{ port: number; ended: () => number; close: () => void }> => {
  let ended = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connect(broker.port, '127.0.0.1');
    sockets.add(inbound).add(outbound);
    inbound.pipe(outbound).pipe(inbound);
    const end = (): void => {
      inbound.destroy();
      outbound.destroy();
    };
    inbound.once('close', () => {
      ended += 1;
      end();
    });
    outbound.once('close', end);
    inbound.on('error', end);
    outbound.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    ended: () => ended,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
};

/** The unit's link to `url`, trusting `ca`, with its own certificate; connected, as the roles do. */
const open = (url: string, ca: string): { link: BrokerLink; wentUp: () => boolean } => {
  const link = BrokerLink.open({
    url,
    protocolVersion: 5,
    clientId: UNIT,
    reconnectPeriodMs: 100,
    caFile: ca,
    certFile: broker.pki.cert(UNIT),
    keyFile: broker.pki.key(UNIT),
  });
  let up = false;
  link.on('up', () => (up = true));
  link.onMessage(() => Promise.resolve());
  link.connect();
  return { link, wentUp: () => up };
};

/**
 * Issue 16: the link opens its TLS connection itself (mqtt.js's `MqttClient` with a stream builder,
 * not `mqtt.connect`, whose transport table loads WebSocket and SOCKS). It must stay exactly as
 * strict: the broker's chain against the configured CA, its name against the URL's host.
 */
describe('the broker link’s TLS', () => {
  it.each(['localhost', '127.0.0.1'])(
    'connects to Mosquitto as %s, a name its certificate holds',
    async (name) => {
      const via = await relay('127.0.0.1');
      const { link, wentUp } = open(`mqtts://${name}:${via.port}`, broker.pki.ca);
      try {
        await waitFor(() => wentUp(), `the link up through ${name}`);
        expect(link.isUp).toBe(true);
      } finally {
        await link.close(true);
        via.close();
      }
    },
  );

  it('refuses a broker whose certificate another CA signed', async () => {
    const via = await relay('127.0.0.1');
    const { link, wentUp } = open(`mqtts://localhost:${via.port}`, otherPki.ca);
    try {
      // Two attempts ended: the first was refused and the link tried again, and was refused again.
      await waitFor(() => via.ended() >= 2, 'two refused attempts');
      expect(wentUp()).toBe(false);
      expect(link.isUp).toBe(false);
    } finally {
      await link.close(true);
      via.close();
    }
  });

  it('refuses a broker reached under a name its certificate does not hold', async () => {
    // The right CA and the right broker, dialled as 127.0.0.2: not in its subjectAltName.
    const via = await relay('127.0.0.2');
    const { link, wentUp } = open(`mqtts://127.0.0.2:${via.port}`, broker.pki.ca);
    try {
      await waitFor(() => via.ended() >= 2, 'two refused attempts');
      expect(wentUp()).toBe(false);
      expect(link.isUp).toBe(false);
    } finally {
      await link.close(true);
      via.close();
    }
  });
});
