import { err, ok, type Result } from '../core/index.js';
import { statusWord, type StatusWord } from './status.js';

/**
 * Command and response APDUs (ISO/IEC 7816-3 §12.1, 7816-4 §5.1). Pure functions over bytes: every
 * read is bounds-checked, malformed input gives a typed error, never an exception.
 */
export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data?: Uint8Array;
  /** Expected response length Ne, 1..65536; absent = no response data expected. */
  readonly le?: number;
  /** Force the extended form even when the short form would fit. */
  readonly extended?: boolean;
}

export const ApduErrorCode = {
  /** A field is out of range (CLA/INS/P1/P2 not a byte, Lc or Le too large). */
  invalidField: 'apdu-invalid-field',
  /** A response shorter than the two status bytes. */
  responseTooShort: 'apdu-response-too-short',
  /** A command whose length bytes disagree with its size. */
  malformedCommand: 'apdu-malformed-command',
} as const;
export type ApduErrorCode = (typeof ApduErrorCode)[keyof typeof ApduErrorCode];

export interface ApduError {
  readonly code: ApduErrorCode;
  readonly message: string;
}

const apduError = (code: ApduErrorCode, message: string): ApduError => ({ code, message });

const isByte = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= 0xff;

/** Largest Nc and Ne: short 255/256, extended 65535/65536 (ISO 7816-3 §12.1.3). */
export const SHORT_MAX_LC = 255;
export const SHORT_MAX_LE = 256;
export const EXTENDED_MAX_LC = 65_535;
export const EXTENDED_MAX_LE = 65_536;

/** Whether the command needs (or asks for) the extended-length form. */
export const isExtended = (c: CommandApdu): boolean =>
  c.extended === true || (c.data?.length ?? 0) > SHORT_MAX_LC || (c.le ?? 0) > SHORT_MAX_LE;

/** Encodes a command in the short form when it fits, the extended form otherwise (or when asked). */
export const encodeCommand = (c: CommandApdu): Result<Uint8Array, ApduError> => {
  if (![c.cla, c.ins, c.p1, c.p2].every(isByte))
    return err(apduError(ApduErrorCode.invalidField, 'CLA, INS, P1 and P2 must be bytes'));
  const data = c.data ?? new Uint8Array(0);
  const le = c.le ?? 0;
  if (data.length > EXTENDED_MAX_LC)
    return err(apduError(ApduErrorCode.invalidField, `Lc ${data.length} exceeds ${EXTENDED_MAX_LC}`));
  if (!Number.isInteger(le) || le < 0 || le > EXTENDED_MAX_LE)
    return err(apduError(ApduErrorCode.invalidField, `Le ${le} is outside 0..${EXTENDED_MAX_LE}`));
  const header = [c.cla, c.ins, c.p1, c.p2];
  const out: number[] = [...header];
  // ISO 7816-4 case 1 (no data, no Le) is the bare header in both forms: a lone extended marker 00
  // would read as a short Le of 256.
  if (data.length === 0 && le === 0) return ok(Uint8Array.from(out));
  if (!isExtended(c)) {
    if (data.length > 0) out.push(data.length, ...data);
    if (le > 0) out.push(le === SHORT_MAX_LE ? 0 : le);
    return ok(Uint8Array.from(out));
  }
  // Extended: a single 00 marker, then 2-byte Lc and/or 2-byte Le (0000 means 65536).
  out.push(0);
  if (data.length > 0) out.push(data.length >> 8, data.length & 0xff, ...data);
  if (le > 0) out.push((le >> 8) & 0xff, le & 0xff);
  return ok(Uint8Array.from(out));
};

/** Encodes a command that is known to be valid (built from constants); a bad one is a programming error. */
export const command = (c: CommandApdu): Uint8Array => {
  const encoded = encodeCommand(c);
  if (!encoded.ok) throw new RangeError(encoded.error.message);
  return encoded.value;
};

export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw1: number;
  readonly sw2: number;
  readonly status: StatusWord;
}

/** Splits a response into data and the trailing SW1 SW2. */
export const parseResponse = (bytes: Uint8Array): Result<ResponseApdu, ApduError> => {
  if (bytes.length < 2)
    return err(
      apduError(ApduErrorCode.responseTooShort, `response of ${bytes.length} bytes has no status word`),
    );
  const sw1 = bytes[bytes.length - 2] ?? 0;
  const sw2 = bytes[bytes.length - 1] ?? 0;
  return ok({ data: bytes.slice(0, bytes.length - 2), sw1, sw2, status: statusWord(sw1, sw2) });
};

export interface ParsedCommand {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly data: Uint8Array;
  /** Ne; 0 when absent. */
  readonly le: number;
  readonly extended: boolean;
}

const malformed = (message: string): Result<never, ApduError> =>
  err(apduError(ApduErrorCode.malformedCommand, message));

/** Parses a command APDU as a card sees it: cases 1, 2S/2E, 3S/3E and 4S/4E (ISO 7816-3 §12.1.3). */
export const parseCommand = (bytes: Uint8Array): Result<ParsedCommand, ApduError> => {
  if (bytes.length < 4) return malformed(`command of ${bytes.length} bytes has no header`);
  const [cla, ins, p1, p2] = [bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0, bytes[3] ?? 0];
  const head = { cla, ins, p1, p2 };
  const body = bytes.subarray(4);
  const n = body.length;
  const b0 = body[0] ?? 0;
  if (n === 0) return ok({ ...head, data: new Uint8Array(0), le: 0, extended: false }); // case 1
  if (n === 1) return ok({ ...head, data: new Uint8Array(0), le: b0 === 0 ? 256 : b0, extended: false }); // 2S
  if (b0 !== 0) {
    // Short Lc = b0: case 3S (n = 1 + Lc) or 4S (n = 2 + Lc).
    if (n === 1 + b0) return ok({ ...head, data: body.slice(1), le: 0, extended: false });
    if (n === 2 + b0) {
      const le = body[n - 1] ?? 0;
      return ok({ ...head, data: body.slice(1, 1 + b0), le: le === 0 ? 256 : le, extended: false });
    }
    return malformed(`short Lc ${b0} does not match a body of ${n} bytes`);
  }
  // b0 = 00 with more bytes: extended form.
  if (n === 3) {
    const le = ((body[1] ?? 0) << 8) | (body[2] ?? 0);
    return ok({ ...head, data: new Uint8Array(0), le: le === 0 ? 65_536 : le, extended: true }); // 2E
  }
  if (n < 3) return malformed(`extended body of ${n} bytes is too short`);
  const lc = ((body[1] ?? 0) << 8) | (body[2] ?? 0);
  if (lc === 0) return malformed('extended Lc of 0');
  if (n === 3 + lc) return ok({ ...head, data: body.slice(3), le: 0, extended: true }); // 3E
  if (n === 5 + lc) {
    const le = ((body[n - 2] ?? 0) << 8) | (body[n - 1] ?? 0);
    return ok({ ...head, data: body.slice(3, 3 + lc), le: le === 0 ? 65_536 : le, extended: true }); // 4E
  }
  return malformed(`extended Lc ${lc} does not match a body of ${n} bytes`);
};
