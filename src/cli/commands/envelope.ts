import { parseArgs } from 'node:util';
import { ManualClock } from '../../core/index.js';
import {
  EnvelopeOpener,
  EnvelopeSealer,
  MAX_BODY_BYTES,
  MemoryReplayStore,
  SqliteReplayStore,
  fromHex,
  readDirectoryFile,
  sodium,
  toError,
  type ReplayStore,
} from '../../crypto/index.js';
import { UsageError, write, type Command, type CommandIo } from '../command.js';
import { loadKey, operatorKey, readAll, timeOption } from './crypto-io.js';

const help = `ems-gateway envelope seal --key KEYFILE --directory FILE --to PRINCIPAL --kind KIND
                          [--ttl SECONDS] [--stream HEX] [--sequence N] [common options]
ems-gateway envelope open --key KEYFILE --directory FILE [--replay-db FILE] [--header]
                          [common options]

For integrators checking their own implementation against ours (docs/protocol.md).

seal   Reads the body from stdin, signs it with KEYFILE's key and seals it to PRINCIPAL's current
       key in the directory; writes the binary envelope to stdout.
         --ttl SECONDS    lifetime (default 600)
         --stream HEX     16-byte stream id in hex (default: random)
         --sequence N     sequence number within the stream (default 0)
open   Reads an envelope from stdin, checks it fully and writes the body to stdout. A refused
       envelope prints its error code (ENVELOPE_…) on stderr and exits with 1.
         --replay-db FILE remember message ids in this SQLite file (default: this run only)
         --header         also print the envelope's fields as one JSON line on stderr

Common options:
  --operator-public-key B64   the operator key the directory is pinned to
                              (default: EMS_DIRECTORY__OPERATOR_PUBLIC_KEY)
  --passphrase-env NAME       variable holding the key file's passphrase, if it is sealed
  --at TIME                   act at this ISO 8601 time instead of now (to replay test vectors)`;

const COMMON = {
  key: { type: 'string' },
  directory: { type: 'string' },
  'operator-public-key': { type: 'string' },
  'passphrase-env': { type: 'string' },
  at: { type: 'string' },
} as const;

const setup = async (
  values: {
    key?: string;
    directory?: string;
    'operator-public-key'?: string;
    'passphrase-env'?: string;
    at?: string;
  },
  io: CommandIo,
) => {
  if (values.key === undefined || values.directory === undefined)
    throw new UsageError('--key KEYFILE and --directory FILE are required');
  const clock = new ManualClock(timeOption(values.at));
  const directory = await readDirectoryFile(values.directory, operatorKey(values['operator-public-key'], io));
  if (!directory.ok) throw toError(directory.error);
  const identity = await loadKey(values.key, values['passphrase-env'], io);
  return { clock, directory: { current: directory.value }, identity };
};

const seal = async (args: readonly string[], io: CommandIo): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      ...COMMON,
      to: { type: 'string' },
      kind: { type: 'string' },
      ttl: { type: 'string', default: '600' },
      stream: { type: 'string' },
      sequence: { type: 'string', default: '0' },
    },
  });
  if (values.to === undefined || values.kind === undefined)
    throw new UsageError('--to PRINCIPAL and --kind KIND are required');
  const ttl = Number(values.ttl);
  const sequence = Number(values.sequence);
  if (!Number.isSafeInteger(ttl) || ttl < 1) throw new UsageError('--ttl must be a whole number of seconds');
  if (!Number.isSafeInteger(sequence) || sequence < 0)
    throw new UsageError('--sequence must be a whole number');
  const streamId = values.stream === undefined ? sodium.randomBytes(16) : fromHex(values.stream);
  if (streamId?.length !== 16) throw new UsageError('--stream must be 32 hex digits');
  const { clock, directory, identity } = await setup(values, io);
  try {
    // One byte over the limit is read, so the sealer refuses it with SEAL_BODY_TOO_LARGE.
    const body = await readAll(io.stdin, MAX_BODY_BYTES + 1);
    const sealer = new EnvelopeSealer({ identity, directory, clock });
    const sealed = sealer.seal({
      to: values.to,
      kind: values.kind,
      body,
      streamId,
      sequence,
      ttlMs: ttl * 1000,
    });
    if (!sealed.ok) {
      write(io.stderr, `${sealed.error.code}: ${sealed.error.message}`);
      return 1;
    }
    io.stdout.write(sealed.value);
    return 0;
  } finally {
    identity.wipe();
  }
};

const open = async (args: readonly string[], io: CommandIo): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: { ...COMMON, 'replay-db': { type: 'string' }, header: { type: 'boolean', default: false } },
  });
  const { clock, directory, identity } = await setup(values, io);
  const replay: ReplayStore =
    values['replay-db'] === undefined ? new MemoryReplayStore() : new SqliteReplayStore(values['replay-db']);
  try {
    const wire = await readAll(io.stdin, 2 * MAX_BODY_BYTES);
    const opened = new EnvelopeOpener({ keys: [identity], directory, replay, clock }).open(wire);
    if (!opened.ok) {
      write(io.stderr, `${opened.error.code}: ${opened.error.message}`);
      return 1;
    }
    const { body, ...header } = opened.value;
    if (values.header) write(io.stderr, JSON.stringify(header));
    io.stdout.write(body);
    return 0;
  } finally {
    replay.close();
    identity.wipe();
  }
};

export const envelopeCommand: Command = {
  help,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'seal') return seal(rest, io);
    if (sub === 'open') return open(rest, io);
    throw new UsageError('expected: envelope seal | envelope open');
  },
};
