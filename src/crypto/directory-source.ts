import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { err, ok, type Result } from '../core/index.js';
import type { Logger } from '../log/index.js';
import { verifyDirectory, type DirectoryProblem, type KeyDirectory } from './directory.js';
import { DirectoryErrorCode } from './errors.js';

/** Whatever needs the directory in force asks for it at the moment of use, so reloads apply at once. */
export interface DirectoryView {
  readonly current: KeyDirectory;
}

export interface DirectorySourceEvents {
  loaded: [directory: KeyDirectory];
  refused: [problem: DirectoryProblem];
}

export const readDirectoryFile = async (
  file: string,
  operatorPublicKey: Uint8Array,
): Promise<Result<KeyDirectory, DirectoryProblem>> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'EIO';
    return err({ code: DirectoryErrorCode.UNREADABLE, message: `cannot read ${file} (${code})` });
  }
  return verifyDirectory(text, operatorPublicKey);
};

/**
 * The newest directory this gateway ever accepted, kept in its data directory: without it a restart
 * would take an older, validly signed directory again, and with it a key revoked since.
 */
interface Seen {
  readonly serial: number;
  readonly issuedAt: number;
}

const readSeen = async (file: string): Promise<Result<Seen | undefined, DirectoryProblem>> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return ok(undefined);
    return err({ code: DirectoryErrorCode.UNREADABLE, message: `cannot read ${file}` });
  }
  try {
    const seen = JSON.parse(text) as Partial<Seen>;
    if (Number.isSafeInteger(seen.serial) && Number.isFinite(seen.issuedAt))
      return ok({ serial: seen.serial as number, issuedAt: seen.issuedAt as number });
  } catch {
    // Falls through: a damaged record must stop the start, not silently forget the serial.
  }
  return err({ code: DirectoryErrorCode.MALFORMED, message: `${file} is not a directory serial record` });
};

/** Replaced by rename, 0600: a crash leaves the old record or the new one, never half of one. */
const writeSeen = async (file: string, seen: Seen): Promise<void> => {
  await writeFile(`${file}.tmp`, `${JSON.stringify(seen)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
};

const rollback = (serial: number, newest: number, where: string): DirectoryProblem => ({
  code: DirectoryErrorCode.ROLLBACK,
  message: `serial ${serial} is older than serial ${newest} ${where}`,
});

/**
 * The pinned directory from a file: loaded at start (a bad file then stops the start), reloaded when
 * the file changes. A bad new file, or one with an older serial, is refused and logged, and the last
 * good directory stays in force: a typo by the operator must not cut every unit off. With a
 * `seenFile`, the highest serial accepted (and its issue time) survives restarts: a start with an
 * older directory is refused.
 */
export class DirectorySource extends EventEmitter<DirectorySourceEvents> implements DirectoryView {
  #current: KeyDirectory;
  #watcher: FSWatcher | undefined;
  #reloading: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly operatorPublicKey: Uint8Array,
    private readonly logger: Logger,
    private readonly seenFile: string | undefined,
    initial: KeyDirectory,
  ) {
    super();
    this.#current = initial;
  }

  static async load(
    file: string,
    operatorPublicKey: Uint8Array,
    logger: Logger,
    options: { readonly seenFile?: string } = {},
  ): Promise<Result<DirectorySource, DirectoryProblem>> {
    const first = await readDirectoryFile(file, operatorPublicKey);
    if (!first.ok) return first;
    if (options.seenFile !== undefined) {
      const seen = await readSeen(options.seenFile);
      if (!seen.ok) return seen;
      if (seen.value !== undefined && first.value.serial < seen.value.serial)
        return err(rollback(first.value.serial, seen.value.serial, 'accepted before this restart'));
      if (seen.value === undefined || first.value.serial > seen.value.serial)
        await writeSeen(options.seenFile, { serial: first.value.serial, issuedAt: first.value.issuedAt });
    }
    logger.info('key directory loaded', {
      region: first.value.region,
      serial: first.value.serial,
      entries: first.value.entries.length,
    });
    return ok(new DirectorySource(file, operatorPublicKey, logger, options.seenFile, first.value));
  }

  get current(): KeyDirectory {
    return this.#current;
  }

  /** Reads the file again; reloads run one at a time. */
  reload(): Promise<Result<KeyDirectory, DirectoryProblem>> {
    const next = this.#reloading.then(() => this.#reloadNow());
    this.#reloading = next;
    return next;
  }

  async #reloadNow(): Promise<Result<KeyDirectory, DirectoryProblem>> {
    const read = await readDirectoryFile(this.file, this.operatorPublicKey);
    let result = read;
    if (read.ok && read.value.serial < this.#current.serial)
      result = err(rollback(read.value.serial, this.#current.serial, 'in force'));
    if (!result.ok) {
      this.logger.warn('key directory refused; keeping the last good one', {
        code: result.error.code,
        reason: result.error.message,
        serialInForce: this.#current.serial,
      });
      this.emit('refused', result.error);
      return result;
    }
    if (result.value.serial !== this.#current.serial || result.value.issuedAt !== this.#current.issuedAt)
      this.logger.info('key directory reloaded', {
        serial: result.value.serial,
        entries: result.value.entries.length,
      });
    if (this.seenFile !== undefined && result.value.serial > this.#current.serial)
      await writeSeen(this.seenFile, { serial: result.value.serial, issuedAt: result.value.issuedAt });
    this.#current = result.value;
    this.emit('loaded', result.value);
    return result;
  }

  /**
   * Watches the file's folder, not the file: operators (and our CLI) replace the file by rename,
   * which a watch on the old inode would miss.
   */
  watch(): void {
    if (this.#watcher !== undefined) return;
    const name = basename(this.file);
    this.#watcher = watch(dirname(this.file), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) void this.reload();
    });
    this.#watcher.on('error', (error) => this.logger.warn('key directory watch failed', { error }));
  }

  async close(): Promise<void> {
    this.#watcher?.close();
    this.#watcher = undefined;
    await this.#reloading;
  }
}
