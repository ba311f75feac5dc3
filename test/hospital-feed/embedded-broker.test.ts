import { connect, type Socket } from 'node:net';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../src/hospital-feed/index.js';
import { waitFor } from '../support/wait.js';

let broker: EmbeddedBroker;
beforeAll(async () => {
  broker = await startEmbeddedBroker('127.0.0.1', 0);
});
afterAll(async () => {
  await broker.close();
});

const port = (): number => Number(new URL(broker.url).port);

/** MQTT 3.1.1 §2.2.3 Remaining Length (7 bits per byte, low first). */
const remainingLength = (n: number): number[] => {
  const out: number[] = [];
  let x = n;
  do {
    const byte = x % 128;
    x = Math.floor(x / 128);
    out.push(x > 0 ? byte | 0x80 : byte);
  } while (x > 0);
  return out;
};

/** CONNECT (§3.1): protocol "MQTT" level 4, clean session, keep alive 60 s, client id `id`. */
const connectPacket = (id: string): Buffer => {
  const body = [0, 4, ...Buffer.from('MQTT'), 4, 0x02, 0, 60, 0, id.length, ...Buffer.from(id)];
  return Buffer.from([0x10, ...remainingLength(body.length), ...body]);
};

describe('the demo broker (aedes)', () => {
  it('closes a connection whose publish announces 100 MB instead of buffering it', async () => {
    const socket: Socket = connect(port(), '127.0.0.1');
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    const connack = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(connectPacket('oversize-test'));
    expect([...(await connack)]).toEqual([0x20, 2, 0, 0]);
    // PUBLISH QoS 0 to "t": 100 MB announced, then the body streams in 64 KiB pieces while the socket
    // stays open (at most 16 MB: enough to show aedes buffering it when unguarded).
    const announced = 100 * 1024 * 1024;
    socket.write(Buffer.from([0x30, ...remainingLength(announced), 0, 1, 0x74]));
    const piece = Buffer.alloc(64 * 1024, 0x41);
    for (let sent = 0; sent < 16 * 1024 * 1024 && !closed; sent += piece.length) {
      if (!socket.write(piece)) await new Promise((r) => socket.once('drain', r).once('close', r));
    }
    await waitFor(() => closed, 'connection closed by the broker', 5_000);
  });

  it('still carries a publish just under the limit', async () => {
    const options = { protocolVersion: 4 as const, reconnectPeriod: 0 };
    const subscriber = await mqtt.connectAsync(broker.url, { ...options, clientId: 'size-sub' });
    const publisher = await mqtt.connectAsync(broker.url, { ...options, clientId: 'size-pub' });
    const received: number[] = [];
    subscriber.on('message', (_topic, payload) => received.push(payload.length));
    await subscriber.subscribeAsync('size/t', { qos: 1 });
    await publisher.publishAsync('size/t', Buffer.alloc(1_000_000, 0x42), { qos: 1 });
    await waitFor(() => received.length === 1, 'large publish delivered');
    expect(received).toEqual([1_000_000]);
    await publisher.endAsync();
    await subscriber.endAsync();
  });
});
