import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export interface BrokerSettings {
  readonly url: string;
  readonly protocolVersion: 4 | 5;
  readonly clientId: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly username?: string;
  readonly password?: string;
}

export interface LinkEvents {
  up: [];
  down: [reason: string];
}

/**
 * The connection to the broker, with link up/down as typed events. mqtt.js stays behind this class
 * so the rest of the feed sees a small surface.
 */
export class BrokerLink extends EventEmitter<LinkEvents> {
  readonly #client: MqttClient;
  #up = false;

  private constructor(client: MqttClient) {
    super();
    this.#client = client;
    client.on('connect', () => {
      this.#up = true;
      this.emit('up');
    });
    client.on('close', () => {
      if (!this.#up) return;
      this.#up = false;
      this.emit('down', 'connection closed');
    });
    // mqtt.js reconnects by itself; errors are reported as link state, never thrown.
    client.on('error', () => undefined);
  }

  static open(settings: BrokerSettings): BrokerLink {
    const options: IClientOptions = {
      protocolVersion: settings.protocolVersion,
      clientId: settings.clientId,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      ...(settings.caFile === undefined ? {} : { ca: readFileSync(settings.caFile) }),
      ...(settings.certFile === undefined ? {} : { cert: readFileSync(settings.certFile) }),
      ...(settings.keyFile === undefined ? {} : { key: readFileSync(settings.keyFile) }),
      ...(settings.username === undefined ? {} : { username: settings.username }),
      ...(settings.password === undefined ? {} : { password: settings.password }),
    };
    return new BrokerLink(mqtt.connect(settings.url, options));
  }

  get isUp(): boolean {
    return this.#up;
  }

  async close(): Promise<void> {
    await this.#client.endAsync();
  }
}
