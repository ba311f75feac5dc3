import { encodeLength } from '../../reader/index.js';
import type { CardMaterial } from './material.js';
import type { Faults } from './faults.js';
import type { PinKey } from './counters.js';

/** AIDs (jpki.md §1). */
export const AID = {
  jpki: 'D392F000260100000001',
  text: 'D3921000310001010408',
} as const;
export type Application = keyof typeof AID;

export interface BinaryFile {
  readonly kind: 'binary';
  readonly data: Uint8Array;
  /** PIN key that must be verified before READ BINARY (6982 otherwise). */
  readonly needs?: PinKey;
}
export interface PinFile {
  readonly kind: 'pin';
  readonly key: PinKey;
  readonly value: string;
}
export interface PrivateKeyFile {
  readonly kind: 'private-key';
  /** PIN key that must be verified before COMPUTE DIGITAL SIGNATURE (6982 otherwise). */
  readonly needs: PinKey;
}
export type CardFile = BinaryFile | PinFile | PrivateKeyFile;

const tlv = (tag: number[], value: Uint8Array): Uint8Array =>
  Uint8Array.from([...tag, ...encodeLength(value.length), ...value]);

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** EF 0006: CK_TOKEN_INFO, 160 bytes; the label `JPKIAPICCTOKEN2` space-padded to 32 (jpki.md §1.1). */
const tokenInfo = (): Uint8Array => {
  const out = new Uint8Array(160);
  out.set(ascii('JPKIAPICCTOKEN2'.padEnd(32, ' ')), 0);
  out.set(ascii('ems-gateway card emulator'.padEnd(32, ' ')), 32);
  out.set(ascii('JPKI emulator'.padEnd(16, ' ')), 64);
  out.set(ascii('0'.repeat(16)), 80);
  return out;
};

/** The damaged certificate of the `corrupt-cert` fault: header and size kept, TBSCertificate tag broken. */
const corrupt = (der: Uint8Array): Uint8Array => {
  const out = Uint8Array.from(der);
  out[4] = 0x04; // was 0x30 (SEQUENCE); now OCTET STRING, so no X.509 parser accepts it
  return out;
};

/** 券面事項入力補助AP EF 0002: `FF 20 <len> { DF21 offsets, DF22 name, DF23 address, DF24 birth, DF25 sex }`. */
const basicFour = (material: CardMaterial): Uint8Array => {
  const h = material.holder;
  const items = [
    tlv([0xdf, 0x22], ascii(h.fullName)),
    tlv([0xdf, 0x23], ascii(h.address)),
    tlv([0xdf, 0x24], ascii(h.birthDate.replaceAll('-', ''))),
    tlv([0xdf, 0x25], ascii(h.sex === 'male' ? '1' : '2')),
  ];
  const offsetsTlvLength = 2 + 1 + 8;
  const innerLength = offsetsTlvLength + items.reduce((n, i) => n + i.length, 0);
  const outerHeader = 2 + encodeLength(innerLength).length;
  const offsets = new Uint8Array(8);
  let at = outerHeader + offsetsTlvLength;
  items.forEach((item, i) => {
    offsets[i * 2] = at >> 8;
    offsets[i * 2 + 1] = at & 0xff;
    at += item.length;
  });
  const inner = Uint8Array.from([...tlv([0xdf, 0x21], offsets), ...items.flatMap((i) => [...i])]);
  return tlv([0xff, 0x20], inner);
};

/** The EFs of each application (jpki.md §1.1 and §1.2), with the faults that change file contents. */
export const buildFiles = (
  material: CardMaterial,
  faults: Faults,
): Record<Application, ReadonlyMap<number, CardFile>> => {
  const h = material.holder;
  let auth = faults.expiredCertificate === true ? material.expiredAuthCertificate : material.authCertificate;
  if (faults.corruptCertificate === true) auth = corrupt(auth);
  const jpki = new Map<number, CardFile>([
    [0x000a, { kind: 'binary', data: auth }],
    [0x000b, { kind: 'binary', data: material.caCertificate }],
    [0x0001, { kind: 'binary', data: material.signCertificate, needs: 'sign' }],
    [0x0002, { kind: 'binary', data: material.caCertificate }],
    [0x0006, { kind: 'binary', data: tokenInfo() }],
    [0x0008, { kind: 'binary', data: Uint8Array.of(0x8f, 0x8f, 0x00) }],
    [0x0017, { kind: 'private-key', needs: 'auth' }],
    [0x0018, { kind: 'pin', key: 'auth', value: h.authPin }],
    [0x001a, { kind: 'private-key', needs: 'sign' }],
    [0x001b, { kind: 'pin', key: 'sign', value: h.signPassword }],
  ]);
  const myNumber = Uint8Array.from([0xff, 0x10, 0x0c, ...ascii(h.individualNumber), 0xff, 0xff]); // 17 bytes
  const text = new Map<number, CardFile>([
    [0x0001, { kind: 'binary', data: myNumber, needs: 'text' }],
    [0x0002, { kind: 'binary', data: basicFour(material), needs: 'text' }],
    [0x0011, { kind: 'pin', key: 'text', value: h.textPin }],
  ]);
  return { jpki, text };
};
