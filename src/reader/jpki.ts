import { err, ok, type Result } from '../core/index.js';
import { SHORT_MAX_LE, type CommandApdu, type ResponseApdu } from './apdu.js';
import type { CardChannel, ChannelError } from './channel.js';
import { IdentifyErrorCode } from './outcomes.js';
import { formatStatus } from './status.js';
import { derObjectSize } from './tlv.js';

/** JPKI AP and its EFs (jpki.md §1, §1.1). */
export const JPKI_AID = Uint8Array.of(0xd3, 0x92, 0xf0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01);
export const JpkiEf = {
  authCertificate: 0x000a,
  authCaCertificate: 0x000b,
  authKey: 0x0017,
  authPin: 0x0018,
} as const;

/** Largest certificate we accept (J-LIS certificates are ~1.3–1.6 KB); bounds memory for a hostile card. */
export const MAX_CERTIFICATE_BYTES = 8_192;
/** Largest extended-length READ BINARY we ask for in one APDU. */
export const MAX_EXTENDED_CHUNK = 65_535;

export interface JpkiError {
  readonly code: IdentifyErrorCode;
  readonly detail: string;
  readonly pinTriesLeft?: number;
}

const fail = (code: IdentifyErrorCode, detail: string, pinTriesLeft?: number): Result<never, JpkiError> =>
  err({ code, detail, ...(pinTriesLeft === undefined ? {} : { pinTriesLeft }) });

/** Maps a failed exchange to the crew outcome; every channel failure means "tap again". */
export const channelFailure = (e: ChannelError): JpkiError => {
  switch (e.code) {
    case 'card-removed':
      return { code: IdentifyErrorCode.cardRemoved, detail: e.message };
    case 'apdu-timeout':
      return { code: IdentifyErrorCode.cardTimeout, detail: e.message };
    case 'reader-unavailable':
      return { code: IdentifyErrorCode.readerUnavailable, detail: e.message };
    case 'card-busy':
      return { code: IdentifyErrorCode.cardBusy, detail: e.message };
    case 'apdu-rejected':
    case 'apdu-invalid-field':
    case 'apdu-response-too-short':
    case 'apdu-malformed-command':
      return { code: IdentifyErrorCode.cardReadError, detail: e.message };
    default:
      return e satisfies never;
  }
};

const send = async (channel: CardChannel, c: CommandApdu): Promise<Result<ResponseApdu, JpkiError>> => {
  const r = await channel.send(c);
  return r.ok ? r : err(channelFailure(r.error));
};

const sw = (r: ResponseApdu): string => `SW ${formatStatus(r.sw1, r.sw2)}`;

/** SELECT the JPKI AP by DF name, no FCI: `00 A4 04 0C 0A <AID>` (jpki.md §2). */
export const selectJpki = async (channel: CardChannel): Promise<Result<void, JpkiError>> => {
  const r = await send(channel, { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: JPKI_AID });
  if (!r.ok) return r;
  const kind = r.value.status.kind;
  if (kind === 'success') return ok(undefined);
  if (kind === 'file-not-found')
    return fail(IdentifyErrorCode.notMyNumberCard, `SELECT JPKI AP: ${sw(r.value)}`);
  // ISO 7816-4 6283 "selected file deactivated" / 6A81: the emulator's model of a suspended card.
  if (kind === 'file-deactivated' || kind === 'function-not-supported')
    return fail(IdentifyErrorCode.cardSuspended, `SELECT JPKI AP: ${sw(r.value)}`);
  return fail(IdentifyErrorCode.cardReadError, `SELECT JPKI AP: ${sw(r.value)}`);
};

/** SELECT an EF in the current AP: `00 A4 02 0C 02 <EF>` (jpki.md §2). */
export const selectEf = async (channel: CardChannel, ef: number): Promise<Result<void, JpkiError>> => {
  const r = await send(channel, {
    cla: 0x00,
    ins: 0xa4,
    p1: 0x02,
    p2: 0x0c,
    data: Uint8Array.of(ef >> 8, ef & 0xff),
  });
  if (!r.ok) return r;
  if (r.value.status.kind === 'success') return ok(undefined);
  if (r.value.status.kind === 'conditions-not-satisfied' || r.value.status.kind === 'file-deactivated')
    return fail(IdentifyErrorCode.cardSuspended, `SELECT EF: ${sw(r.value)}`);
  return fail(IdentifyErrorCode.cardReadError, `SELECT EF: ${sw(r.value)}`);
};

const readBinary = (offset: number, le: number, extended: boolean): CommandApdu => ({
  cla: 0x00,
  ins: 0xb0,
  p1: (offset >> 8) & 0x7f, // 15-bit offset: bit 8 of P1 clear (ISO 7816-4 §11.3.3)
  p2: offset & 0xff,
  le,
  extended,
});

/** Status words after which an extended READ BINARY is retried in short chunks. */
const refusesExtended = (r: ResponseApdu): boolean =>
  [
    'wrong-length',
    'wrong-p1p2',
    'ins-not-supported',
    'cla-not-supported',
    'function-not-supported',
    'other',
  ].includes(r.status.kind);

export interface ReadPlan {
  /** Whether to try one extended READ BINARY for the remainder after the first chunk. */
  readonly extended: boolean;
}

/**
 * Reads the selected EF 000A in as few APDUs as possible: one short READ BINARY of 256 bytes carries
 * the DER header (`30 82 HH LL`) and the first chunk; the rest follows in one extended READ BINARY
 * where reader and card take it, or in 256-byte short chunks otherwise (jpki.md §2, §8).
 */
export const readCertificate = async (
  channel: CardChannel,
  plan: ReadPlan,
): Promise<Result<Uint8Array, JpkiError>> => {
  const head = await send(channel, readBinary(0, SHORT_MAX_LE, false));
  if (!head.ok) return head;
  if (head.value.status.kind !== 'success' && head.value.status.kind !== 'end-of-file')
    return fail(IdentifyErrorCode.cardReadError, `READ BINARY: ${sw(head.value)}`);
  const size = derObjectSize(head.value.data);
  if (!size.ok) return fail(IdentifyErrorCode.certificateCorrupt, `certificate header: ${size.error.code}`);
  if (size.value > MAX_CERTIFICATE_BYTES)
    return fail(IdentifyErrorCode.certificateCorrupt, `certificate of ${size.value} bytes is too large`);
  const out = new Uint8Array(size.value);
  const first = head.value.data.subarray(0, size.value);
  out.set(first);
  let got = first.length;
  if (got < size.value && head.value.data.length < SHORT_MAX_LE)
    return fail(
      IdentifyErrorCode.cardReadError,
      `short answer: ${head.value.data.length} of ${SHORT_MAX_LE} bytes`,
    );
  let extended = plan.extended && channel.extendedLength;
  while (got < size.value) {
    const want = Math.min(size.value - got, extended ? MAX_EXTENDED_CHUNK : SHORT_MAX_LE);
    const r = await channel.send(readBinary(got, want, extended));
    if (!r.ok && extended && r.error.code === 'apdu-rejected') {
      extended = false; // the reader path carries short APDUs only
      continue;
    }
    if (!r.ok) return err(channelFailure(r.error));
    if (extended && refusesExtended(r.value)) {
      extended = false; // the card refuses extended Le: fall back to short chunks
      continue;
    }
    if (r.value.status.kind !== 'success')
      return fail(IdentifyErrorCode.cardReadError, `READ BINARY at ${got}: ${sw(r.value)}`);
    if (r.value.data.length !== want)
      return fail(
        IdentifyErrorCode.cardReadError,
        `READ BINARY at ${got}: ${r.value.data.length} of ${want} bytes`,
      );
    out.set(r.value.data, got);
    got += want;
  }
  return ok(out);
};

/** Remaining PIN tries, read without using one: VERIFY with no data → 63Cx (jpki.md §2). */
export const pinTries = async (channel: CardChannel): Promise<Result<number, JpkiError>> => {
  const selected = await selectEf(channel, JpkiEf.authPin);
  if (!selected.ok) return selected;
  const r = await send(channel, { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80 });
  if (!r.ok) return r;
  const status = r.value.status;
  if (status.kind === 'tries-left') return ok(status.tries);
  // 6984/6983: the key is locked (jpki.md §2).
  if (status.kind === 'reference-data-unusable' || status.kind === 'auth-blocked') return ok(0);
  return fail(IdentifyErrorCode.cardReadError, `PIN status: ${sw(r.value)}`);
};

/** What to do with the PIN given the remaining tries: the gateway never uses the last one. */
export type PinDecision = 'verify' | 'refuse-last-try' | 'blocked';

export const pinDecision = (triesLeft: number): PinDecision => {
  if (triesLeft >= 2) return 'verify';
  if (triesLeft === 1) return 'refuse-last-try';
  return 'blocked';
};

export const isValidPin = (pin: string): boolean => /^\d{4}$/.test(pin);

/** VERIFY the user-auth PIN (EF 0018 selected): `00 20 00 80 04 <ASCII digits>` (jpki.md §2). */
export const verifyPin = async (channel: CardChannel, pin: string): Promise<Result<void, JpkiError>> => {
  const r = await send(channel, {
    cla: 0x00,
    ins: 0x20,
    p1: 0x00,
    p2: 0x80,
    data: new TextEncoder().encode(pin),
  });
  if (!r.ok) return r;
  const status = r.value.status;
  if (status.kind === 'success') return ok(undefined);
  if (status.kind === 'tries-left')
    return status.tries === 0
      ? fail(IdentifyErrorCode.pinBlocked, 'VERIFY: 63C0', 0)
      : fail(IdentifyErrorCode.pinWrong, `VERIFY: ${sw(r.value)}`, status.tries);
  if (status.kind === 'reference-data-unusable' || status.kind === 'auth-blocked')
    return fail(IdentifyErrorCode.pinBlocked, `VERIFY: ${sw(r.value)}`, 0);
  return fail(IdentifyErrorCode.cardReadError, `VERIFY: ${sw(r.value)}`);
};

/** DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
export const SHA256_DIGEST_INFO_PREFIX = Uint8Array.of(
  0x30,
  0x31,
  0x30,
  0x0d,
  0x06,
  0x09,
  0x60,
  0x86,
  0x48,
  0x01,
  0x65,
  0x03,
  0x04,
  0x02,
  0x01,
  0x05,
  0x00,
  0x04,
  0x20,
);

/**
 * COMPUTE DIGITAL SIGNATURE with the user-auth key: SELECT EF 0017, then `80 2A 00 80 Lc <DigestInfo> 00`;
 * with P1 00 the card applies PKCS#1 v1.5 type-1 padding itself (jpki.md §2).
 */
export const signDigestInfo = async (
  channel: CardChannel,
  digestInfo: Uint8Array,
): Promise<Result<Uint8Array, JpkiError>> => {
  const selected = await selectEf(channel, JpkiEf.authKey);
  if (!selected.ok) return selected;
  const r = await send(channel, {
    cla: 0x80,
    ins: 0x2a,
    p1: 0x00,
    p2: 0x80,
    data: digestInfo,
    le: SHORT_MAX_LE,
  });
  if (!r.ok) return r;
  if (r.value.status.kind === 'success') return ok(r.value.data);
  if (r.value.status.kind === 'security-not-satisfied')
    return fail(IdentifyErrorCode.signatureInvalid, `SIGN without a verified PIN: ${sw(r.value)}`);
  return fail(IdentifyErrorCode.cardReadError, `SIGN: ${sw(r.value)}`);
};
