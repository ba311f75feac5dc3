import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { err, ok, type Result } from '../core/index.js';
import { bufferView } from './buffer-view.js';
import { encodePresence, newEpoch } from './presence.js';

export interface BrokerSettings {
  readonly url: string;
  readonly protocolVersion: 4 | 5;
  readonly clientId: string;
  readonly caFile?: string;
  readonly certFile?: string;
  readonly keyFile?: string;
  readonly username?: string;
  readonly password?: string;
  /**
   * Keep the session (subscriptions and queued QoS 1 messages) while offline: clean start false and,
   * on MQTT 5, this session expiry. Offline queueing needs the same client id, a QoS 1 subscription
   * made before going offline and a persistent session (field notes).
   */
  readonly sessionExpirySeconds?: number;
  readonly reconnectPeriodMs?: number;
  /**
   * Where this principal announces its presence (presence.ts), retained: its Last Will says `down`;
   * after every connect, once the broker granted every subscription, and after each later granted
   * subscription, it publishes `up` with a new epoch, so senders publish again what the broker may
   * have dropped while it had no subscription for us (docs/protocol.md, "Presence").
   */
  readonly presenceTopic?: string;
}

export interface LinkEvents {
  /** `sessionPresent`: the broker still had our session (CONNACK flag). */
  up: [sessionPresent: boolean];
  down: [reason: string];
}

/** What a publish or subscribe came to; any failure means "not done" (field notes). */
export type LinkFailure = 'link-down' | 'refused';

/** Handles one incoming message; the broker gets its PUBACK only after the returned promise settles. */
export type MessageHandler = (topic: string, payload: Uint8Array) => Promise<void>;

/** The broker's trust anchor and our client certificate, as TLS takes them (PEM). */
interface TlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
}

/**
 * The TCP (mqtt://) or TLS (mqtts://) connection under the MQTT client, opened anew at every
 * (re)connect; undefined for ws:// and wss://. `mqtt.connect` builds the same through its table of
 * every transport, which loads its WebSocket (ws) and SOCKS (socks, ip-address, smart-buffer) modules
 * on the first connect: ~1.3 MiB of V8 heap for good that no role uses over mqtt(s):// (issue 16,
 * docs/decisions.md, "fifth pass"); mqtt.js's MQTTJS_SOCKS_PROXY variable is then not read either,
 * as no setting of ours ever offered it. TLS as mqtt.js's own (lib/connect/tls.js) did it: the server's
 * chain checked against `ca` (the system's roots without it) and its name against the URL's host
 * (`rejectUnauthorized`, tls.checkServerIdentity, RFC 6125), SNI for a host name (RFC 6066 §3 allows
 * no address); nothing, not the CONNECT with its password, is written before the handshake passes.
 */
const socketFor = (url: URL, tls: TlsMaterial): (() => Duplex) | undefined => {
  // WHATWG URL keeps an IPv6 literal's brackets; a socket takes the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.username !== '' || url.password !== '')
    throw new Error('the broker user name and password are settings of their own, never in the URL');
  switch (url.protocol) {
    case 'mqtt:': {
      // mqtt.connect switched to TLS when given a client certificate; a certificate over plain TCP is a
      // wiring mistake (the configuration refuses it), never a silent upgrade or downgrade.
      if (tls.cert !== undefined || tls.key !== undefined)
        throw new Error('a client certificate needs an mqtts:// broker URL');
      const port = url.port === '' ? 1883 : Number(url.port);
      return () => tcpConnect({ host, port });
    }
    case 'mqtts:': {
      const port = url.port === '' ? 8883 : Number(url.port);
      return () =>
        tlsConnect({
          host,
          port,
          ...(isIP(host) === 0 ? { servername: host } : {}),
          ...tls,
          rejectUnauthorized: true,
        });
    }
    default:
      return undefined;
  }
};

/** Passed to mqtt.js's `done` so that it sends no PUBACK of its own (see `BrokerLink.connect`). */
const HELD = new Error('PUBACK held until the message is stored');

/** A day: a hospital or ambulance offline for hours still finds its queued messages (Mosquitto caps it). */
export const DEFAULT_SESSION_EXPIRY_SECONDS = 86_400;

/**
 * The connection to the broker, with link up/down as typed events. mqtt.js stays behind this class
 * so the rest of the feed sees a small surface.
 */
export class BrokerLink extends EventEmitter<LinkEvents> {
  readonly #client: MqttClient;
  readonly #subscriptions = new Set<string>();
  #up = false;
  #receiveMaximum: number | undefined;
  #handler: MessageHandler | undefined;
  #connected = false;
  /** Counts connections: a PUBACK held over a reconnect belongs to the old one and is never sent. */
  #generation = 0;
  /** QoS 1 messages received on this connection whose PUBACK waits, in the order they came. */
  readonly #held: { readonly messageId: number; stored: boolean }[] = [];
  readonly #presenceTopic: string | undefined;
  readonly #protocolVersion: 4 | 5;

  private constructor(client: MqttClient, settings: BrokerSettings) {
    super();
    this.#client = client;
    this.#presenceTopic = settings.presenceTopic;
    this.#protocolVersion = settings.protocolVersion;
    client.on('connect', (connack) => {
      this.#up = true;
      // Nagle off (TCP_NODELAY): a PUBLISH written while our previous small packet (a PUBACK) waits
      // for the peer's delayed TCP ACK sat for up to 40 ms; the feed measured 44 ms per report to the
      // board instead of ~5 (docs/protocol.md, "Latency"). Mosquitto's side: set_tcp_nodelay.
      (client.stream as { setNoDelay?: (on: boolean) => unknown } | undefined)?.setNoDelay?.(true);
      // MQTT 5 CONNACK property 0x21; absent on 3.1.1, where the feed uses a fixed window.
      this.#receiveMaximum = connack.properties?.receiveMaximum;
      // Subscribe again on every connect: a broker killed before its autosave forgets sessions.
      const generation = this.#generation;
      const granted = [...this.#subscriptions].map((topic) => this.#subscribeNow(topic));
      this.emit('up', connack.sessionPresent);
      // Presence `up` only once every subscription is granted (SUBACK): a peer that resends on seeing
      // it must find them in place, and this connection must still be the one that made them.
      void Promise.all(granted).then((results) => {
        if (generation === this.#generation && results.every((r) => r.ok)) void this.#announceUp();
      });
    });
    client.on('close', () => {
      this.#generation += 1;
      this.#held.length = 0;
      if (!this.#up) return;
      this.#up = false;
      this.emit('down', 'connection closed');
    });
    // mqtt.js reconnects by itself; errors are reported as link state, never thrown.
    client.on('error', () => undefined);
  }

  static open(settings: BrokerSettings): BrokerLink {
    const persistent = settings.sessionExpirySeconds !== undefined;
    const options: IClientOptions = {
      protocolVersion: settings.protocolVersion,
      clientId: settings.clientId,
      reconnectPeriod: settings.reconnectPeriodMs ?? 1_000,
      connectTimeout: 10_000,
      clean: !persistent,
      resubscribe: false,
      // mqtt-packet's default keeps all 65,536 packet identifiers as two-byte Buffers once the first
      // packet is written: ~6 MiB of heap for good in every role process (issue 16, docs/decisions.md
      // "Memory of a role process"). Without it, each identifier is written from a fresh Buffer.
      writeCache: false,
      // Not before `connect()`: a persistent session's queued messages arrive right after CONNACK,
      // so whoever handles them must be in place first (docs/protocol.md, rule 2).
      manualConnect: true,
      ...(settings.presenceTopic === undefined
        ? {}
        : {
            will: {
              topic: settings.presenceTopic,
              payload: Buffer.from(encodePresence({ v: 1, state: 'down' })),
              qos: 1,
              retain: true,
            },
          }),
      ...(persistent && settings.protocolVersion === 5
        ? { properties: { sessionExpiryInterval: settings.sessionExpirySeconds } }
        : {}),
      ...(settings.username === undefined ? {} : { username: settings.username }),
      ...(settings.password === undefined ? {} : { password: settings.password }),
    };
    const tls: TlsMaterial = {
      ...(settings.caFile === undefined ? {} : { ca: readFileSync(settings.caFile) }),
      ...(settings.certFile === undefined ? {} : { cert: readFileSync(settings.certFile) }),
      ...(settings.keyFile === undefined ? {} : { key: readFileSync(settings.keyFile) }),
    };
    const url = new URL(settings.url);
    const socket = socketFor(url, tls);
    // mqtt.js's documented `MqttClient(streamBuilder, options)` over our own socket. Over WebSocket,
    // `mqtt.connect`, whose transport table loads that (and SOCKS) on its first connect.
    return new BrokerLink(
      socket === undefined
        ? mqtt.connect(settings.url, { ...options, ...tls })
        : new mqtt.MqttClient(socket, options),
      settings,
    );
  }

  get isUp(): boolean {
    return this.#up;
  }

  /** The server's receive maximum from the last CONNACK (MQTT 5 only). */
  get receiveMaximum(): number | undefined {
    return this.#receiveMaximum;
  }

  /**
   * The one handler for every incoming message, set before `connect()`. A second handler, or one set
   * after connecting, is a wiring mistake: messages could reach nobody, or the wrong part.
   */
  onMessage(handler: MessageHandler): void {
    if (this.#handler !== undefined) throw new Error('the broker link already has a message handler');
    if (this.#connected) throw new Error('a message handler must be set before the broker link connects');
    this.#handler = handler;
  }

  /**
   * Connects (and keeps reconnecting). Only once the handler is set: the broker delivers what it
   * queued for our persistent session as soon as we connect, and a message acknowledged without being
   * handled is lost (the sender's outbox would only resend it after its acknowledgement timeout).
   * Each QoS 1 message gets its PUBACK only after the handler's promise settles, i.e. once stored.
   *
   * Handlers run concurrently (up to the broker's in-flight window, Mosquitto's max_inflight_messages):
   * mqtt.js reads the next packet only once a message's `done` is called and sends the PUBACK from
   * it, so one connection would hold one message at a time and the inbox could never commit more
   * than one per fsync. Here `done` is called at once with an error, which makes mqtt.js skip its own
   * PUBACK (handlers/publish.js: an error from handleMessage sends none) and read on; the link sends
   * each PUBACK itself once that message's handler settled and every earlier one's was sent, in the
   * order the PUBLISHes came (MQTT 3.1.1 §4.6 and 5.0 §4.6: PUBACKs in the order of the PUBLISHes).
   * A PUBACK still held when the connection drops is never sent: the broker delivers the message
   * again to the persistent session and the handler finds it stored (a duplicate).
   */
  connect(): void {
    const handler = this.#handler;
    if (handler === undefined) throw new Error('the broker link needs its message handler before connecting');
    if (this.#connected) return;
    this.#connected = true;
    this.#client.handleMessage = (packet, done) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const handled = handler(
        packet.topic,
        new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength),
      ).catch(() => undefined);
      if (packet.qos !== 1 || packet.messageId === undefined) {
        void handled.then(() => done());
        return;
      }
      const held = { messageId: packet.messageId, stored: false };
      const generation = this.#generation;
      this.#held.push(held);
      done(HELD);
      void handled.then(() => {
        held.stored = true;
        if (generation === this.#generation) this.#releasePubacks();
      });
    };
    this.#client.connect();
  }

  /** Sends the PUBACKs at the head of the queue whose messages are stored, in order. */
  #releasePubacks(): void {
    while (this.#held[0]?.stored === true) {
      const { messageId } = this.#held.shift() as { messageId: number };
      // The PUBACK mqtt.js would have sent (handlers/publish.js), through the same private writer
      // (mqtt 5.16 `_sendPacket`), reason code 0x00 Success.
      (
        this.#client as unknown as {
          _sendPacket(packet: { cmd: 'puback'; messageId: number; reasonCode: number }): void;
        }
      )._sendPacket({
        cmd: 'puback',
        messageId,
        reasonCode: 0,
      });
    }
  }

  /**
   * QoS 1 publish. Refused while the link is down: mqtt.js would otherwise hold it in memory and
   * report success later, which is no outbox (field notes). Resolves ok only on PUBACK.
   */
  publish(topic: string, payload: Uint8Array, retain = false): Promise<Result<void, LinkFailure>> {
    if (!this.#up) return Promise.resolve(err('link-down'));
    return new Promise((resolve) => {
      this.#client.publish(topic, bufferView(payload), { qos: 1, retain }, (error) => {
        resolve(error === undefined || error === null ? ok(undefined) : err('refused'));
      });
    });
  }

  /**
   * QoS 1 subscription, kept and renewed on every reconnect. A SUBACK reason code ≥ 0x80 (e.g. 0x87
   * Not authorized, or 0x80 on 3.1.1) is a refusal.
   */
  async subscribe(topic: string): Promise<Result<void, LinkFailure>> {
    this.#subscriptions.add(topic);
    if (!this.#up) return err('link-down');
    const generation = this.#generation;
    const granted = await this.#subscribeNow(topic);
    // A subscription made after connecting: what was published to it before was not for us.
    if (granted.ok && generation === this.#generation) await this.#announceUp();
    return granted;
  }

  async #subscribeNow(topic: string): Promise<Result<void, LinkFailure>> {
    try {
      const granted = await this.#client.subscribeAsync(topic, { qos: 1 });
      return granted.every((g) => g.qos < 0x80) ? ok(undefined) : err('refused');
    } catch {
      return err('refused');
    }
  }

  /** Retained `up` with a new epoch; a failure is repaired by the next connect's announcement. */
  async #announceUp(): Promise<void> {
    if (this.#presenceTopic === undefined) return;
    await this.publish(this.#presenceTopic, encodePresence({ v: 1, state: 'up', epoch: newEpoch() }), true);
  }

  /**
   * Disconnects; `force` drops publishes still waiting for their PUBACK instead of waiting for them.
   * A clean DISCONNECT discards the Last Will, so a principal that announces its presence asks for it
   * on MQTT 5 with reason code 0x04, Disconnect with Will Message (MQTT 5.0 §3.14.2.1): its presence
   * says `down` once it is gone. MQTT 3.1.1 has no such code (§3.1.2.5); there the last `up` stays
   * until the next connect (only the demo's in-process broker speaks 3.1.1, and it stops with us).
   */
  async close(force = false): Promise<void> {
    await (this.#presenceTopic !== undefined && this.#protocolVersion === 5
      ? this.#client.endAsync(force, { reasonCode: 0x04 })
      : this.#client.endAsync(force));
  }
}
