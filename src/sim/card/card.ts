import { constants, privateEncrypt } from 'node:crypto';
import { parseCommand, type ParsedCommand } from '../../reader/index.js';
import { CounterStore, PIN_KEYS, type PinKey } from './counters.js';
import type { Faults } from './faults.js';
import { AID, buildFiles, type Application, type CardFile } from './files.js';
import type { CardMaterial } from './material.js';

/** Contactless pseudo-ATR of a My Number Card on a PC/SC part 3 reader (jpki.md §5). */
export const EMULATED_ATR = Uint8Array.of(
  0x3b,
  0x88,
  0x80,
  0x01,
  0x00,
  0x00,
  0x05,
  0xe0,
  0xb3,
  0x81,
  0xa1,
  0x00,
  0x7f,
);

/** One line of the emulator's own APDU log: the header and sizes only, never the data (it may be a PIN). */
export interface ApduLogEntry {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly lc: number;
  readonly le: number;
  readonly extended: boolean;
  readonly sw: number;
}

/** Largest signing input under P1 00 (PKCS#1 v1.5 with a 2048-bit key: 256 − 11). */
const MAX_SIGN_INPUT = 245;

const SW = {
  ok: 0x9000,
  endOfFile: 0x6282,
  deactivated: 0x6283,
  wrongLength: 0x6700,
  securityNotSatisfied: 0x6982,
  refDataUnusable: 0x6984,
  conditionsNotSatisfied: 0x6985,
  commandNotAllowed: 0x6986,
  functionNotSupported: 0x6a81,
  fileNotFound: 0x6a82,
  wrongP1P2: 0x6a86,
  offsetOutOfRange: 0x6b00,
  insNotSupported: 0x6d00,
  claNotSupported: 0x6e00,
  smNotSupported: 0x6882,
} as const;

const respond = (sw: number, data: Uint8Array = new Uint8Array(0)): Uint8Array =>
  Uint8Array.from([...data, sw >> 8, sw & 0xff]);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();

/**
 * The card itself: a My Number Card's JPKI AP and 券面事項入力補助AP as seen over ISO 7816-4, answering
 * one command APDU at a time (jpki.md §1–§3). Transports (vpcd, in-process) carry bytes to `process`.
 */
export class EmulatedCard {
  readonly #material: CardMaterial;
  readonly #faults: Faults;
  readonly #counters: CounterStore;
  readonly #files: Record<Application, ReadonlyMap<number, CardFile>>;
  readonly #log: ApduLogEntry[] = [];
  #ap: Application | undefined;
  #ef: number | undefined;
  #verified = new Set<PinKey>();

  constructor(material: CardMaterial, faults: Faults = {}) {
    this.#material = material;
    this.#faults = faults;
    this.#counters = new CounterStore(material.dir);
    if (faults.lockedPin === true) this.#counters.set('auth', 0);
    this.#files = buildFiles(material, faults);
  }

  readonly atr = EMULATED_ATR;

  get faults(): Faults {
    return this.#faults;
  }

  /** Every APDU answered since the card was made (or the log cleared). */
  get log(): readonly ApduLogEntry[] {
    return this.#log;
  }

  clearLog(): void {
    this.#log.length = 0;
  }

  /** Remaining tries of a PIN key, as the card's counter holds them. */
  triesLeft(key: PinKey): number {
    return this.#counters.get(key);
  }

  /** Sets a counter, e.g. to start a test with 1 try left. */
  setTriesLeft(key: PinKey, tries: number): void {
    this.#counters.set(key, tries);
  }

  /** Power-on or warm reset: nothing selected, no PIN verified (ISO 7816-3 §6). */
  reset(): void {
    this.#ap = undefined;
    this.#ef = undefined;
    this.#verified = new Set();
  }

  process(apdu: Uint8Array): Uint8Array {
    const parsed = parseCommand(apdu);
    if (!parsed.ok) {
      const out = respond(SW.wrongLength);
      this.#record(
        {
          cla: apdu[0] ?? 0,
          ins: apdu[1] ?? 0,
          p1: apdu[2] ?? 0,
          p2: apdu[3] ?? 0,
          data: new Uint8Array(0),
          le: 0,
          extended: false,
        },
        out,
      );
      return out;
    }
    const out = this.#dispatch(parsed.value);
    this.#record(parsed.value, out);
    return out;
  }

  #record(c: ParsedCommand, out: Uint8Array): void {
    const sw = ((out[out.length - 2] ?? 0) << 8) | (out[out.length - 1] ?? 0);
    this.#log.push({
      cla: c.cla,
      ins: c.ins,
      p1: c.p1,
      p2: c.p2,
      lc: c.data.length,
      le: c.le,
      extended: c.extended,
      sw,
    });
  }

  #dispatch(c: ParsedCommand): Uint8Array {
    // Secure messaging (CLA 08/0C) is refused as on real cards (jpki.md §2).
    if ((c.cla & 0x0c) !== 0) return respond(SW.smNotSupported);
    if (c.cla === 0x80 && c.ins === 0x2a) return this.#sign(c);
    if (c.cla !== 0x00) return respond(SW.claNotSupported);
    switch (c.ins) {
      case 0xa4:
        return this.#select(c);
      case 0xb0:
        return this.#readBinary(c);
      case 0x20:
        return this.#verify(c);
      default:
        // Other drivers' probes (GET DATA, PIV, …) fail as on a real card (jpki.md §5).
        return respond(SW.insNotSupported);
    }
  }

  #select(c: ParsedCommand): Uint8Array {
    switch (c.p1) {
      case 0x04: {
        const aid = hex(c.data);
        const app = (Object.keys(AID) as Application[]).find((a) => AID[a] === aid);
        if (app === undefined) return respond(SW.fileNotFound); // whatever P2 and Le (jpki.md §5)
        if (app === 'jpki' && this.#faults.suspended === true) return respond(SW.deactivated);
        this.#ap = app;
        this.#ef = undefined;
        return respond(SW.ok);
      }
      case 0x02: {
        if (this.#ap === undefined || c.data.length !== 2) return respond(SW.fileNotFound);
        const id = ((c.data[0] ?? 0) << 8) | (c.data[1] ?? 0);
        if (!this.#files[this.#ap].has(id)) return respond(SW.fileNotFound);
        this.#ef = id;
        return respond(SW.ok);
      }
      case 0x00:
        // MF: 6A86 after reset, a no-op once an AP is selected (jpki.md §2).
        return respond(this.#ap === undefined ? SW.wrongP1P2 : SW.ok);
      default:
        return respond(SW.wrongP1P2);
    }
  }

  #current(): CardFile | undefined {
    return this.#ap === undefined || this.#ef === undefined ? undefined : this.#files[this.#ap].get(this.#ef);
  }

  #readBinary(c: ParsedCommand): Uint8Array {
    if ((c.p1 & 0x80) !== 0) return respond(SW.functionNotSupported); // SFI form not emulated
    const file = this.#current();
    if (file === undefined) return respond(SW.commandNotAllowed);
    if (file.kind !== 'binary') return respond(SW.commandNotAllowed);
    if (file.needs !== undefined && !this.#verified.has(file.needs)) return respond(SW.securityNotSatisfied);
    if (c.le === 0) return respond(SW.wrongLength);
    if (c.extended && this.#faults.noExtendedLength === true) return respond(SW.wrongLength);
    const offset = (c.p1 << 8) | c.p2;
    if (offset >= file.data.length) return respond(SW.offsetOutOfRange);
    const available = file.data.length - offset;
    let length = Math.min(c.le, available);
    if (this.#faults.wrongLength === true) length = Math.max(0, length - 1);
    const data = file.data.subarray(offset, offset + length);
    // ISO 7816-4 §7.2.3: fewer bytes than Ne because the file ended → 6282 with the data.
    return respond(c.le > available ? SW.endOfFile : SW.ok, data);
  }

  #verify(c: ParsedCommand): Uint8Array {
    const file = this.#current();
    if (c.p1 !== 0x00 || c.p2 !== 0x80) return respond(SW.wrongP1P2);
    if (file === undefined || file.kind !== 'pin') return respond(SW.commandNotAllowed);
    const tries = this.#counters.get(file.key);
    if (c.data.length === 0) return respond(0x63c0 | tries); // retry counter, no try used (jpki.md §2)
    if (tries === 0) return respond(SW.refDataUnusable); // locked: 6984 from then on (jpki.md §2)
    const given = new TextDecoder().decode(c.data);
    const expected = file.key === 'sign' ? file.value.toUpperCase() : file.value;
    if ((file.key === 'sign' ? given.toUpperCase() : given) === expected) {
      this.#counters.set(file.key, PIN_KEYS[file.key]);
      this.#verified.add(file.key);
      return respond(SW.ok);
    }
    this.#counters.set(file.key, tries - 1);
    this.#verified.delete(file.key);
    return respond(0x63c0 | (tries - 1));
  }

  /** COMPUTE DIGITAL SIGNATURE `80 2A 00 80`: the card pads (PKCS#1 v1.5 type 1) and signs (jpki.md §2). */
  #sign(c: ParsedCommand): Uint8Array {
    let file = this.#current();
    if (c.p2 === 0x97 || c.p2 === 0x9a) {
      file = this.#ap === 'jpki' ? this.#files.jpki.get(c.p2 & 0x1f) : undefined;
    } else if (c.p2 !== 0x80) return respond(SW.wrongP1P2);
    if (c.p1 > 0x05) return respond(SW.wrongP1P2);
    if (c.p1 !== 0x00) return respond(SW.functionNotSupported); // the hashing variants are not emulated
    if (file === undefined || file.kind !== 'private-key') return respond(SW.conditionsNotSatisfied);
    if (!this.#verified.has(file.needs)) return respond(SW.securityNotSatisfied);
    if (c.data.length === 0 || c.data.length > MAX_SIGN_INPUT) return respond(SW.wrongLength);
    const signature = privateEncrypt(
      { key: this.#material.privateKey, padding: constants.RSA_PKCS1_PADDING },
      c.data,
    );
    return respond(SW.ok, signature);
  }
}
