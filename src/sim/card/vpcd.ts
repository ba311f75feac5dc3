import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { silentLogger, type Logger } from '../../log/index.js';
import type { EmulatedCard } from './card.js';
import { CardSlot } from './slot.js';

/** vpcd's default port (Debian vsmartcard-vpcd, /etc/reader.conf.d/vpcd CHANNELID 0x8C7B). */
export const VPCD_DEFAULT_PORT = 35_963;

/** vpcd control messages: one byte (field-notes.md "PC/SC"). */
const CONTROL = { powerOff: 0x00, powerOn: 0x01, reset: 0x02, getAtr: 0x04 } as const;

export interface VpcdOptions {
  readonly host?: string;
  readonly port?: number;
  /** Delay between connection attempts while vpcd (pcscd) is not there. */
  readonly retryMs?: number;
  readonly logger?: Logger;
}

export interface VpcdEvents {
  /** Connected to vpcd: the card is in the virtual reader. */
  connected: [];
  /** pcscd read the ATR: the reader reports the card present. */
  powered: [];
  /** The connection ended: the reader sees the card removed. */
  disconnected: [reason: string];
}

/**
 * The emulated card plugged into the vpcd virtual reader: a TCP client that answers vpcd's frames
 * (2-byte big-endian length, then a control byte or an APDU). It reconnects by itself when pcscd
 * restarts, and closes the connection to act out a removal (the `remove-at` fault or `remove()`).
 */
export class VpcdCard extends EventEmitter<VpcdEvents> {
  readonly #host: string;
  readonly #port: number;
  readonly #retryMs: number;
  readonly #logger: Logger;
  #slot: CardSlot;
  #socket: Socket | undefined;
  #timer: NodeJS.Timeout | undefined;
  #wanted = false;
  #buffer = Buffer.alloc(0);
  #queue: Promise<void> = Promise.resolve();
  #powered = false;

  constructor(card: EmulatedCard, options: VpcdOptions = {}) {
    super();
    this.#host = options.host ?? '127.0.0.1';
    this.#port = options.port ?? VPCD_DEFAULT_PORT;
    this.#retryMs = options.retryMs ?? 200;
    this.#logger = (options.logger ?? silentLogger).child({ part: 'vpcd-card' });
    this.#slot = new CardSlot(card);
  }

  get card(): EmulatedCard {
    return this.#slot.card;
  }

  get connected(): boolean {
    return this.#socket !== undefined;
  }

  /** pcscd has read the ATR over the current connection (the card shows as present). */
  get powered(): boolean {
    return this.#powered;
  }

  /** Puts the card in the reader (connects, and keeps reconnecting until `remove`). */
  insert(card: EmulatedCard = this.#slot.card): void {
    if (card !== this.#slot.card || this.#slot.removed) this.#slot = new CardSlot(card);
    this.#wanted = true;
    if (this.#socket === undefined) this.#connect();
  }

  /** Takes the card out of the reader. */
  remove(): void {
    this.#wanted = false;
    clearTimeout(this.#timer);
    this.#socket?.destroy();
  }

  #connect(): void {
    if (!this.#wanted) return;
    const socket = connect({ host: this.#host, port: this.#port });
    socket.setNoDelay(true);
    socket.once('connect', () => {
      this.#socket = socket;
      this.#buffer = Buffer.alloc(0);
      this.#powered = false;
      this.#logger.debug('connected to vpcd', { port: this.#port });
      this.emit('connected');
    });
    socket.on('data', (chunk) => this.#onData(socket, chunk));
    socket.on('error', () => undefined); // 'close' follows and decides
    socket.once('close', () => {
      const wasConnected = this.#socket === socket;
      if (wasConnected) {
        this.#socket = undefined;
        this.#powered = false;
        this.emit('disconnected', this.#wanted ? 'vpcd closed the connection' : 'card removed');
      }
      if (this.#wanted) this.#timer = setTimeout(() => this.#connect(), this.#retryMs);
    });
  }

  #onData(socket: Socket, chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 2) {
      const length = this.#buffer.readUInt16BE(0);
      if (this.#buffer.length < 2 + length) return;
      const frame = Uint8Array.from(this.#buffer.subarray(2, 2 + length));
      this.#buffer = this.#buffer.subarray(2 + length);
      // Frames are answered strictly in order, latency included.
      this.#queue = this.#queue.then(() => this.#answer(socket, frame));
    }
  }

  async #answer(socket: Socket, frame: Uint8Array): Promise<void> {
    if (socket.destroyed) return;
    if (frame.length === 1) {
      switch (frame[0] ?? -1) {
        case CONTROL.powerOff:
        case CONTROL.powerOn:
        case CONTROL.reset:
          this.#slot.card.reset();
          return;
        case CONTROL.getAtr:
          this.#send(socket, this.#slot.card.atr);
          if (!this.#powered) {
            this.#powered = true;
            this.emit('powered');
          }
          return;
        default:
          return;
      }
    }
    const answer = await this.#slot.answer(frame);
    if (answer.kind === 'removed') {
      this.#wanted = false;
      socket.destroy();
      return;
    }
    this.#send(socket, answer.bytes);
  }

  #send(socket: Socket, payload: Uint8Array): void {
    const header = Buffer.alloc(2);
    header.writeUInt16BE(payload.length, 0);
    socket.write(Buffer.concat([header, payload]));
  }
}
