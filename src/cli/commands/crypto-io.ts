import type { Readable } from 'node:stream';
import { fromBase64, readKeyFile, toError, type DeviceIdentity } from '../../crypto/index.js';
import { UsageError, type CommandIo } from '../command.js';

/** Reads all of stdin, refusing more than `limit` bytes. */
export const readAll = async (stream: Readable, limit: number): Promise<Uint8Array> => {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > limit) throw new UsageError(`stdin exceeds ${limit} bytes`);
    chunks.push(buffer);
  }
  return new Uint8Array(Buffer.concat(chunks));
};

/** A key file, its passphrase taken from the named environment variable when given. */
export const loadKey = async (
  file: string,
  passphraseEnv: string | undefined,
  io: CommandIo,
): Promise<DeviceIdentity> => {
  const passphrase = passphraseEnv === undefined ? undefined : io.env[passphraseEnv];
  if (passphraseEnv !== undefined && passphrase === undefined)
    throw new UsageError(`environment variable ${passphraseEnv} is not set`);
  const read = await readKeyFile(file, passphrase);
  if (!read.ok) throw toError(read.error);
  return read.value;
};

/** The pinned operator key: --operator-public-key, else the same variable a role config override uses. */
export const operatorKey = (option: string | undefined, io: CommandIo): Uint8Array => {
  const text = option ?? io.env['EMS_DIRECTORY__OPERATOR_PUBLIC_KEY'];
  if (text === undefined)
    throw new UsageError('--operator-public-key B64 (or EMS_DIRECTORY__OPERATOR_PUBLIC_KEY) is required');
  const key = fromBase64(text);
  if (key?.length !== 32) throw new UsageError('the operator public key must be 32 bytes in base64');
  return key;
};

/** `--at ISO-8601` for reproducing test vectors; the system clock otherwise. */
export const timeOption = (at: string | undefined): number => {
  if (at === undefined) return Date.now();
  const t = Date.parse(at);
  if (Number.isNaN(t)) throw new UsageError('--at must be an ISO 8601 time');
  return t;
};
