import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { err, ok, type Result } from '../../core/index.js';
import { silentLogger, type Logger } from '../../log/index.js';
import {
  TransportErrorCode,
  type BackendEvents,
  type CardTransport,
  type ReaderBackend,
  type ReaderState,
  type TransportError,
} from '../transport.js';
import { WorkerExit, type WorkerMessage, type WorkerReply, type WorkerRequest } from './protocol.js';

type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface PcscBackendOptions {
  /** The worker script; the compiled sibling `worker.js` by default (tests run the .ts through a loader). */
  readonly worker?: { readonly module: string; readonly execArgv?: readonly string[] };
  /** Environment of the worker (e.g. PCSCLITE_CSOCK_NAME for a private pcscd); this process's by default. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
  /** First and largest delay before a new worker after one ended. */
  readonly restartMinMs?: number;
  readonly restartMaxMs?: number;
  /** Watchdog period: a worker that misses a ping, or burns CPU for two periods, is killed. */
  readonly pingIntervalMs?: number;
  /** How long a disconnect may take before the worker is presumed stuck in the binding. */
  readonly disconnectTimeoutMs?: number;
}

const unavailable = (message: string): TransportError => ({
  code: TransportErrorCode.readerUnavailable,
  message,
});

/** A worker that used more than this share of one core over a ping period is looping. */
const BUSY_SHARE = 0.9;
/** A worker that ran this long without ending is healthy; the restart delay starts over. */
const STABLE_MS = 5_000;
/** How long after start a worker with no reader counts as up (pcscd answered, no reader attached). */
const SETTLE_MS = 500;

/**
 * PC/SC through pcsclite, run in a child process under a watchdog. Whatever the binding does — exits
 * on SCARD_E_NO_SERVICE after a pcscd restart, misses a re-plugged reader, loops or crashes — the
 * worker ends or is killed and a new one is started with a fresh PC/SC context, without restarting
 * the gateway. Card sessions open in a dead worker fail with `reader-unavailable` ("tap again").
 */
export class PcscBackend extends EventEmitter<BackendEvents> implements ReaderBackend {
  readonly #options: PcscBackendOptions;
  readonly #logger: Logger;
  readonly #readers = new Map<string, ReaderState>();
  readonly #pending = new Map<number, (reply: WorkerReply) => void>();
  #child: ChildProcess | undefined;
  #generation = 0;
  #nextId = 1;
  #up = false;
  #closed = false;
  #delay: number;
  #restartTimer: NodeJS.Timeout | undefined;
  #settleTimer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #awaitingPong = false;
  #busyPeriods = 0;
  #startedAt = 0;
  #bindingMissing = false;

  constructor(options: PcscBackendOptions = {}) {
    super();
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ part: 'pcsc' });
    this.#delay = options.restartMinMs ?? 100;
    this.#spawn();
  }

  get up(): boolean {
    return this.#up;
  }

  /** The optional pcsclite module is not installed (or did not build): restarting cannot help. */
  get bindingMissing(): boolean {
    return this.#bindingMissing;
  }

  /** How many workers have been started: 1 plus the number of recoveries. */
  get generation(): number {
    return this.#generation;
  }

  readers(): readonly ReaderState[] {
    return [...this.#readers.values()];
  }

  async connect(reader: string): Promise<Result<CardTransport, TransportError>> {
    const generation = this.#generation;
    const reply = await this.#request({ type: 'connect', reader });
    if (!reply.ok) return err({ code: reply.code, message: reply.message });
    const handle = Number(reply.value);
    const transport: CardTransport = {
      extendedLength: true,
      transmit: async (apdu) => {
        if (generation !== this.#generation) return err(unavailable('the PC/SC worker was restarted'));
        const r = await this.#request({
          type: 'transmit',
          handle,
          apdu: Buffer.from(apdu).toString('base64'),
        });
        if (!r.ok) return err({ code: r.code, message: r.message });
        const response = new Uint8Array(Buffer.from(String(r.value), 'base64'));
        // A transmit that "succeeds" without SW1 SW2: the card left mid-exchange (vpcd and some
        // contactless readers complete the call with 0 bytes instead of SCARD_W_REMOVED_CARD).
        if (response.length < 2)
          return err({ code: TransportErrorCode.cardRemoved, message: 'no status word: card gone' });
        return ok(response);
      },
      end: async (disposition) => {
        if (generation !== this.#generation) return;
        const timeout = this.#options.disconnectTimeoutMs ?? 3_000;
        let timer: NodeJS.Timeout | undefined;
        const answered = await Promise.race([
          this.#request({ type: 'disconnect', handle, reset: disposition === 'reset' }).then(() => true),
          new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeout))),
        ]);
        clearTimeout(timer);
        // A worker that cannot even disconnect is stuck in the binding: replace it (this also resets the card).
        if (!answered) this.#kill('disconnect did not return');
      },
    };
    return ok(transport);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  #request(body: RequestBody): Promise<WorkerReply> {
    const child = this.#child;
    const id = this.#nextId++;
    if (child === undefined || !child.connected)
      return Promise.resolve({
        type: 'reply',
        id,
        ok: false,
        code: 'reader-unavailable',
        message: 'no PC/SC worker',
      });
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      child.send({ ...body, id });
    });
  }

  #spawn(): void {
    if (this.#closed) return;
    this.#generation++;
    const module = this.#options.worker?.module ?? fileURLToPath(new URL('./worker.js', import.meta.url));
    const child = fork(module, [], {
      execArgv: [...(this.#options.worker?.execArgv ?? [])],
      env: this.#options.env ?? process.env,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    });
    this.#child = child;
    this.#startedAt = Date.now();
    this.#awaitingPong = false;
    this.#busyPeriods = 0;
    child.on('message', (message) => this.#onMessage(message as WorkerMessage));
    child.on('error', () => undefined); // 'exit' follows
    child.once('exit', (code, signal) => this.#onExit(child, code, signal));
    this.#pingTimer = setInterval(() => this.#ping(), this.#options.pingIntervalMs ?? 2_000);
  }

  #ping(): void {
    if (this.#awaitingPong) {
      this.#kill('missed a watchdog ping');
      return;
    }
    this.#awaitingPong = true;
    void this.#request({ type: 'ping' });
  }

  #onMessage(message: WorkerMessage): void {
    switch (message.type) {
      case 'reply': {
        const resolve = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        resolve?.(message);
        return;
      }
      case 'pong': {
        this.#awaitingPong = false;
        const period = (this.#options.pingIntervalMs ?? 2_000) * 1_000;
        this.#busyPeriods = message.cpuMicros > period * BUSY_SHARE ? this.#busyPeriods + 1 : 0;
        if (this.#busyPeriods >= 2) this.#kill('busy loop in the binding');
        this.#pending.delete(message.id);
        return;
      }
      case 'started':
        this.#settleTimer = setTimeout(() => this.#setUp(true, 'PC/SC context established'), SETTLE_MS);
        return;
      case 'reader-added':
        this.#readers.set(message.name, { name: message.name, cardPresent: false });
        this.#setUp(true, 'reader attached');
        this.emit('reader-added', message.name);
        return;
      case 'reader-removed':
        this.#dropReader(message.name);
        return;
      case 'card': {
        const reader = this.#readers.get(message.name);
        if (reader === undefined || reader.cardPresent === message.present) return;
        this.#readers.set(message.name, {
          name: message.name,
          cardPresent: message.present,
          ...(message.present ? { atr: message.atr } : {}),
        });
        if (message.present) this.emit('card-inserted', message.name, message.atr);
        else this.emit('card-removed', message.name);
        return;
      }
      default:
        return message satisfies never;
    }
  }

  #setUp(up: boolean, reason: string): void {
    if (this.#up === up) return;
    this.#up = up;
    this.emit('service', up, reason);
  }

  #dropReader(name: string): void {
    const reader = this.#readers.get(name);
    if (reader === undefined) return;
    this.#readers.delete(name);
    if (reader.cardPresent) this.emit('card-removed', name);
    this.emit('reader-removed', name);
  }

  #kill(reason: string): void {
    this.#logger.warn('restarting the PC/SC worker', { reason });
    this.#child?.kill('SIGKILL');
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    clearInterval(this.#pingTimer);
    clearTimeout(this.#settleTimer);
    this.#child = undefined;
    for (const [id, resolve] of this.#pending)
      resolve({
        type: 'reply',
        id,
        ok: false,
        code: 'reader-unavailable',
        message: 'the PC/SC worker ended',
      });
    this.#pending.clear();
    if (this.#closed) {
      this.#up = false;
      return;
    }
    for (const name of [...this.#readers.keys()]) this.#dropReader(name);
    const reason = exitReason(code, signal);
    this.#setUp(false, reason);
    if (code === WorkerExit.bindingMissing) {
      // Not a fault a restart can fix: say so once and stop, instead of respawning forever.
      this.#bindingMissing = true;
      this.#logger.error(
        'PC/SC support is not installed: the optional pcsclite module is missing (install libpcsclite-dev, then npm rebuild pcsclite)',
        { reason },
      );
      return;
    }
    const stable = Date.now() - this.#startedAt > STABLE_MS;
    const delay = stable ? (this.#options.restartMinMs ?? 100) : this.#delay;
    this.#delay = Math.min(delay * 2, this.#options.restartMaxMs ?? 2_000);
    this.#logger.debug('PC/SC worker ended', { reason, restartInMs: delay });
    this.#restartTimer = setTimeout(() => this.#spawn(), delay);
  }
}

const exitReason = (code: number | null, signal: NodeJS.Signals | null): string => {
  if (signal !== null) return `worker killed (${signal})`;
  switch (code ?? -1) {
    case WorkerExit.serviceError:
      return 'pcscd unavailable';
    case WorkerExit.readerRemoved:
      return 'reader removed';
    case WorkerExit.uncaught:
      return 'binding error';
    case WorkerExit.bindingMissing:
      return 'pcsclite binding missing';
    default:
      return `worker exited (${code ?? 'unknown'})`;
  }
};
