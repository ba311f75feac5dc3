import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Duplex, Transform, pipeline } from 'node:stream';
import { MAX_PACKET_BYTES, PACKET_SCAN_START, scanPackets, type PacketScan } from './packet-size.js';

export interface EmbeddedBroker {
  /** mqtt://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The client's bytes on their way to aedes, cut off at the first packet larger than `limit`. aedes
 * (through mqtt-packet) buffers a whole packet before parsing it and has no size option: one 100 MB
 * publish took the demo process to 488 MB. MQTT 3.1.1 has no reason code for it, so the connection
 * is closed (Mosquitto does the same for 3.1.1 clients; MQTT 5 would send DISCONNECT 0x95).
 */
const guarded = (socket: Socket, limit: number): Duplex => {
  let scan: PacketScan = PACKET_SCAN_START;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const next = scanPackets(scan, chunk, limit);
      if (!next.ok) return done(new Error(`MQTT packet refused: ${next.error}`));
      scan = next.value;
      done(null, chunk);
    },
  });
  // pipeline destroys the socket when the guard fails, and the guard when the socket does.
  pipeline(socket, guard, () => undefined);
  return Duplex.from({ readable: guard, writable: socket });
};

/**
 * aedes on loopback for the demo: MQTT 3.1.1 only (aedes refuses MQTT 5), no persistence, packets up
 * to MAX_PACKET_BYTES like the production broker. Production uses Mosquitto; delivery guarantees come
 * from our outbox and signed acknowledgements, not the broker.
 */
export const startEmbeddedBroker = async (host = '127.0.0.1', port = 1883): Promise<EmbeddedBroker> => {
  // Loaded here, not with the module: only the demo runs a broker in process, and every role process
  // imports this folder (aedes and its dependencies cost ~2.5 MiB of RSS in a role that never uses them).
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  const server: Server = createServer((socket) => broker.handle(guarded(socket, MAX_PACKET_BYTES)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://${host}:${bound}`,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
