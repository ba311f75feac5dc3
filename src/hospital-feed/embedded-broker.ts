import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  /** mqtt://host:port */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * aedes on loopback for the demo: MQTT 3.1.1 only (aedes refuses MQTT 5), no persistence. Production
 * uses Mosquitto; delivery guarantees come from our outbox and signed acknowledgements, not the broker.
 */
export const startEmbeddedBroker = async (host = '127.0.0.1', port = 1883): Promise<EmbeddedBroker> => {
  const broker = await Aedes.createBroker();
  const server: Server = createServer((socket) => broker.handle(socket));
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
