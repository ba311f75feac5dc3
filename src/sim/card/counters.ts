import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The emulated card's PIN keys and their try limits (jpki.md §3). */
export const PIN_KEYS = {
  /** JPKI EF 0018: user-auth PIN, 4 digits, 3 tries. */
  auth: 3,
  /** JPKI EF 001B: signature password, 5 tries. */
  sign: 5,
  /** 券面事項入力補助AP EF 0011: 4 digits, 3 tries. */
  text: 3,
} as const;
export type PinKey = keyof typeof PIN_KEYS;

export type Counters = Record<PinKey, number>;

const FILE = 'counters.json';

/**
 * Remaining tries per PIN key, kept in the card's state directory: a real card's counter survives
 * removal and is reset only by a correct entry (jpki.md §3), so the emulator's does too.
 */
export class CounterStore {
  readonly #file: string;
  #counters: Counters;

  constructor(dir: string) {
    this.#file = join(dir, FILE);
    this.#counters = { ...PIN_KEYS };
    if (existsSync(this.#file)) {
      const stored = JSON.parse(readFileSync(this.#file, 'utf8')) as Partial<Counters>;
      for (const key of Object.keys(PIN_KEYS) as PinKey[]) {
        const n = stored[key];
        if (typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= PIN_KEYS[key])
          this.#counters[key] = n;
      }
    }
  }

  get(key: PinKey): number {
    return this.#counters[key];
  }

  set(key: PinKey, tries: number): void {
    this.#counters[key] = Math.max(0, Math.min(PIN_KEYS[key], tries));
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#counters)}\n`, { mode: 0o600 });
    renameSync(tmp, this.#file);
  }
}
