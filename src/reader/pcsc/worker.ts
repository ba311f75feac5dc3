import { createRequire } from 'node:module';
import type { PcscContext, PcscFactory, PcscReader } from './binding.js';
import {
  classifyScard,
  scardCode,
  WorkerExit,
  type WorkerErrorCode,
  type WorkerMessage,
  type WorkerRequest,
} from './protocol.js';

/**
 * The pcsclite worker: the only process that loads the native binding. Its known faults (a busy loop
 * when pcscd is missing, uncaught SCARD_E_NO_SERVICE after an unplug, stale reader lists) end this
 * process, never the gateway; the service's watchdog starts a fresh one.
 */

/** Extended-length responses: up to 65536 data bytes plus SW1 SW2 (ISO 7816-3 §12.1.3). */
const MAX_RESPONSE = 65_538;

const send = (message: WorkerMessage): void => {
  process.send?.(message);
};

const exit = (code: number): never => {
  // Let queued IPC messages go out first.
  setImmediate(() => process.exit(code));
  throw new Error('worker exiting');
};

let pcsc: PcscContext;
try {
  const load = createRequire(import.meta.url)('pcsclite') as PcscFactory;
  pcsc = load();
} catch {
  process.exit(WorkerExit.bindingMissing);
}

process.on('uncaughtException', () => {
  process.exit(WorkerExit.uncaught);
});
process.on('disconnect', () => process.exit(0));

const readers = new Map<string, PcscReader>();
const sessions = new Map<number, { reader: PcscReader; protocol: number }>();
let nextHandle = 1;
let lastCpu = process.cpuUsage();

const failure = (id: number, error: unknown): void => {
  const message = error instanceof Error ? error.message : String(error);
  const code: WorkerErrorCode = classifyScard(scardCode(message));
  send({ type: 'reply', id, ok: false, code, message: message.slice(0, 200) });
  if (code === 'reader-unavailable') exit(WorkerExit.serviceError);
};

pcsc.on('error', () => exit(WorkerExit.serviceError));
pcsc.on('reader', (reader) => {
  readers.set(reader.name, reader);
  send({ type: 'reader-added', name: reader.name });
  let present = false;
  reader.on('status', (status) => {
    // The binding repeats status events; only a change of presence is news.
    const now =
      (status.state & reader.SCARD_STATE_PRESENT) !== 0 && (status.state & reader.SCARD_STATE_MUTE) === 0;
    if (now === present) return;
    present = now;
    send({
      type: 'card',
      name: reader.name,
      present,
      atr: present && status.atr !== undefined ? status.atr.toString('hex').toUpperCase() : '',
    });
  });
  reader.on('error', () => exit(WorkerExit.serviceError));
  reader.on('end', () => {
    readers.delete(reader.name);
    send({ type: 'reader-removed', name: reader.name });
    // A re-plugged reader is only seen by a new pcsclite instance (field-notes.md).
    exit(WorkerExit.readerRemoved);
  });
});

const handle = (request: WorkerRequest): void => {
  switch (request.type) {
    case 'ping': {
      const cpu = process.cpuUsage(lastCpu);
      lastCpu = process.cpuUsage();
      send({ type: 'pong', id: request.id, cpuMicros: cpu.user + cpu.system });
      return;
    }
    case 'connect': {
      const reader = readers.get(request.reader);
      if (reader === undefined) {
        send({
          type: 'reply',
          id: request.id,
          ok: false,
          code: 'reader-unavailable',
          message: 'unknown reader',
        });
        return;
      }
      // Exclusive for the whole session: no other application can interleave APDUs (PC/SC part 5).
      reader.connect({ share_mode: reader.SCARD_SHARE_EXCLUSIVE }, (error, protocol) => {
        if (error !== undefined && error !== null) return failure(request.id, error);
        const id = nextHandle++;
        sessions.set(id, { reader, protocol });
        send({ type: 'reply', id: request.id, ok: true, value: id });
      });
      return;
    }
    case 'transmit': {
      const session = sessions.get(request.handle);
      if (session === undefined) {
        send({ type: 'reply', id: request.id, ok: false, code: 'card-removed', message: 'session ended' });
        return;
      }
      session.reader.transmit(
        Buffer.from(request.apdu, 'base64'),
        MAX_RESPONSE,
        session.protocol,
        (error, data) => {
          if (error !== undefined && error !== null) return failure(request.id, error);
          send({ type: 'reply', id: request.id, ok: true, value: data.toString('base64') });
        },
      );
      return;
    }
    case 'disconnect': {
      const session = sessions.get(request.handle);
      sessions.delete(request.handle);
      if (session === undefined) {
        send({ type: 'reply', id: request.id, ok: true, value: 0 });
        return;
      }
      const disposition = request.reset ? session.reader.SCARD_RESET_CARD : session.reader.SCARD_LEAVE_CARD;
      session.reader.disconnect(disposition, () =>
        send({ type: 'reply', id: request.id, ok: true, value: 0 }),
      );
      return;
    }
    default:
      return request satisfies never;
  }
};

process.on('message', (message) => handle(message as WorkerRequest));
send({ type: 'started' });
