import { beforeAll, describe, expect, it } from 'vitest';
import { command, parseResponse, JPKI_AID } from '../../src/reader/index.js';
import { cardholder } from '../../src/sim/index.js';
import { AID, loadOrCreateCard, parseFaults, type EmulatedCard } from '../../src/sim/card/index.js';
import { makeCard, newStateDir } from '../support/cards.js';

let stateDir: string;
beforeAll(() => {
  stateDir = newStateDir();
});

const sw = (card: EmulatedCard, apdu: Uint8Array): string => {
  const r = parseResponse(card.process(apdu));
  if (!r.ok) throw new Error('no status word');
  return ((r.value.sw1 << 8) | r.value.sw2).toString(16).toUpperCase();
};
const selectAid = (hex: string): Uint8Array =>
  command({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: Buffer.from(hex, 'hex') });
const selectEf = (ef: number): Uint8Array =>
  command({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Uint8Array.of(ef >> 8, ef & 0xff) });
const verify = (pin?: string): Uint8Array =>
  command({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, ...(pin === undefined ? {} : { data: Buffer.from(pin) }) });

describe('the emulated My Number Card', () => {
  it('is deterministic: same seed and index → same holder and certificate serial', async () => {
    const a = await loadOrCreateCard(stateDir, 7, 3);
    const again = await loadOrCreateCard(stateDir, 7, 3);
    expect(Buffer.from(again.authCertificate).equals(Buffer.from(a.authCertificate))).toBe(true);
    const { X509Certificate } = await import('node:crypto');
    expect(new X509Certificate(a.authCertificate).serialNumber.toUpperCase()).toBe(
      cardholder(7, 3).certificateSerial,
    );
  });

  it('answers unknown AIDs with 6A82 whatever P2/Le, and unknown INS with 6D00', async () => {
    const card = await makeCard(stateDir);
    expect(
      sw(card, command({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: Uint8Array.of(0xa0, 0, 0, 3, 8), le: 256 })),
    ).toBe('6A82');
    expect(sw(card, command({ cla: 0, ins: 0xca, p1: 0xdf, p2: 0x30, le: 5 }))).toBe('6D00');
    expect(sw(card, selectAid(Buffer.from(JPKI_AID).toString('hex')))).toBe('9000');
    expect(sw(card, selectEf(0x1234))).toBe('6A82');
  });

  it('PIN counter: wrong tries count down to 63C0, then 6984; the empty VERIFY uses no try', async () => {
    const card = await makeCard(stateDir, 1);
    card.setTriesLeft('auth', 3);
    sw(card, selectAid(AID.jpki));
    sw(card, selectEf(0x0018));
    expect(sw(card, verify())).toBe('63C3');
    expect(sw(card, verify())).toBe('63C3');
    const wrong = cardholder(1, 1).authPin === '9999' ? '9998' : '9999';
    card.setTriesLeft('auth', 2);
    expect(sw(card, verify(wrong))).toBe('63C1');
    expect(sw(card, verify(wrong))).toBe('63C0');
    expect(sw(card, verify(cardholder(1, 1).authPin))).toBe('6984');
    expect(sw(card, verify())).toBe('63C0');
    expect((await makeCard(stateDir, 1)).triesLeft('auth')).toBe(0); // persisted
    card.setTriesLeft('auth', 3);
  });

  it('reading EF 0001 (signature certificate) without the password answers 6982', async () => {
    const card = await makeCard(stateDir);
    sw(card, selectAid(AID.jpki));
    sw(card, selectEf(0x0001));
    expect(sw(card, command({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 }))).toBe('6982');
  });

  it('keeps the 券面事項入力補助 AP behind its PIN', async () => {
    const holder = cardholder(1, 0);
    const card = await makeCard(stateDir);
    expect(sw(card, selectAid(AID.text))).toBe('9000');
    expect(sw(card, selectEf(0x0001))).toBe('9000');
    expect(sw(card, command({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 17 }))).toBe('6982');
    sw(card, selectEf(0x0011));
    expect(sw(card, verify(holder.textPin))).toBe('9000');
    sw(card, selectEf(0x0001));
    const r = parseResponse(card.process(command({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 17 })));
    expect(r.ok && r.value.data.length).toBe(17);
    expect(r.ok && Buffer.from(r.value.data.subarray(3, 15)).toString()).toBe(holder.individualNumber);
  });

  it('signs only after VERIFY, padding with PKCS#1 v1.5 itself', async () => {
    const holder = cardholder(1, 0);
    const card = await makeCard(stateDir);
    sw(card, selectAid(AID.jpki));
    sw(card, selectEf(0x0017));
    const sign = command({ cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: new Uint8Array(51), le: 256 });
    expect(sw(card, sign)).toBe('6982');
    sw(card, selectEf(0x0018));
    sw(card, verify(holder.authPin));
    sw(card, selectEf(0x0017));
    const r = parseResponse(card.process(sign));
    expect(r.ok && r.value.data.length).toBe(256);
  });

  it('parses the card-sim fault list', () => {
    expect(parseFaults('remove-at=3, latency=20,locked-pin')).toEqual({
      removeAtApdu: 3,
      latencyMs: 20,
      lockedPin: true,
    });
    expect(() => parseFaults('melt')).toThrow(/unknown fault/);
  });
});
