import { open, readFile, stat, unlink } from 'node:fs/promises';
import { err, ok, type Result } from '../core/index.js';
import { KeyFileErrorCode } from './errors.js';
import type { DeviceIdentity } from './identity.js';
import { decodeKeyFile, encodeKeyFile, type EncodeOptions, type KeyFileProblem } from './key-file.js';

/** Group or other may not read, write or execute a key file. */
const LOOSE_BITS = 0o077;

const errnoCode = (cause: unknown): string => (cause as NodeJS.ErrnoException).code ?? 'EIO';

/**
 * Reads a key file. Like ssh with a private key, it refuses a file that group or others may access:
 * the key may already have been copied, and starting anyway would hide that.
 */
export const readKeyFile = async (
  file: string,
  passphrase?: string,
): Promise<Result<DeviceIdentity, KeyFileProblem>> => {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile())
      return err({ code: KeyFileErrorCode.UNREADABLE, message: `${file} is not a regular file` });
    if ((info.mode & LOOSE_BITS) !== 0)
      return err({
        code: KeyFileErrorCode.PERMISSIONS,
        message: `${file} has mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}; a key file must be 0600 (chmod 600 ${file})`,
      });
    text = await readFile(file, 'utf8');
  } catch (cause) {
    return err({ code: KeyFileErrorCode.UNREADABLE, message: `cannot read ${file} (${errnoCode(cause)})` });
  }
  const decoded = decodeKeyFile(text, passphrase);
  if (decoded.ok) return decoded;
  return err({ code: decoded.error.code, message: `${file}: ${decoded.error.message}` });
};

/**
 * Writes a new key file with mode 0600, created exclusively: an existing key is never overwritten,
 * since losing a private key breaks every message still sealed to it.
 */
export const writeKeyFile = async (
  file: string,
  identity: DeviceIdentity,
  options: EncodeOptions,
): Promise<Result<void, KeyFileProblem>> => {
  const text = encodeKeyFile(identity, options);
  let handle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (cause) {
    const code = errnoCode(cause);
    return err({
      code: code === 'EEXIST' ? KeyFileErrorCode.EXISTS : KeyFileErrorCode.UNREADABLE,
      message: code === 'EEXIST' ? `${file} already exists` : `cannot create ${file} (${code})`,
    });
  }
  try {
    // The umask may have narrowed the mode further, never widened it; chmod makes it exact.
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } catch (cause) {
    await handle.close();
    // A half-written key file would block the next attempt (exclusive create) and never load.
    await unlink(file).catch(() => undefined);
    return err({ code: KeyFileErrorCode.UNREADABLE, message: `cannot write ${file} (${errnoCode(cause)})` });
  }
  await handle.close();
  return ok(undefined);
};
