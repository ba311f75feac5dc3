import { beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/index.js';
import { createLogger, phi } from '../../src/log/index.js';
import { ReaderService, type TrustAnchor } from '../../src/reader/index.js';
import { cardholder } from '../../src/sim/index.js';
import { AID, InProcessReader, type EmulatedCard, type Faults } from '../../src/sim/card/index.js';
import { makeCard, newStateDir, trustAnchorsOf } from '../support/cards.js';

const holder = cardholder(1, 0);
let stateDir: string;
let anchors: readonly TrustAnchor[];

beforeAll(async () => {
  stateDir = newStateDir();
  anchors = await trustAnchorsOf(stateDir);
});

const setup = async (
  faults: Faults = {},
  options: { extendedLength?: boolean; apduTimeoutMs?: number } = {},
) => {
  const card = await makeCard(stateDir, 0, faults);
  card.setTriesLeft('auth', 3);
  const reader = new InProcessReader({ extendedLength: options.extendedLength ?? true });
  reader.insert(card);
  const service = new ReaderService(reader, {
    trustAnchors: anchors,
    clock: systemClock,
    apduTimeoutMs: options.apduTimeoutMs ?? 2_000,
    // Logs go to the suite's capture file, which is scanned for holder data after the run.
    logger: createLogger({ level: 'debug' }),
  });
  return { card, reader, service };
};

const verifiesWithData = (card: EmulatedCard): number =>
  card.log.filter((e) => e.ins === 0x20 && e.lc > 0).length;

describe('identify on the in-process emulated card', () => {
  it('visual mode: reads and checks the certificate in 4 APDUs, with the attester recorded', async () => {
    const { card, service } = await setup();
    const r = await service.identify({ mode: 'visual', attester: 'crew-0042' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.certificateSerial.reveal()).toBe(holder.certificateSerial);
    expect(r.value.mode).toBe('visual');
    expect(r.value.attester).toBe('crew-0042');
    expect(r.value.verification).toEqual({ certificate: 'trusted-and-current', cardPresence: 'not-checked' });
    expect(r.value.apduCount).toBe(4);
    expect(card.log).toHaveLength(4);
    expect(card.log.some((e) => e.ins === 0xb0 && e.extended)).toBe(true);
    // The Phi fields never become text.
    const text = JSON.stringify(r.value);
    expect(text).not.toContain(holder.certificateSerial);
    expect(text).toContain('[redacted]');
  });

  it('PIN mode: verifies the PIN, has the card sign a challenge and checks it against the certificate', async () => {
    const { card, service } = await setup();
    const r = await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
    expect(r.ok && r.value.verification.cardPresence).toBe('signature-verified');
    expect(r.ok && r.value.apduCount).toBe(9);
    expect(card.triesLeft('auth')).toBe(3);
    expect(card.log.some((e) => e.cla === 0x80 && e.ins === 0x2a && e.sw === 0x9000)).toBe(true);
  });

  it('falls back to short READ BINARY chunks when the card refuses extended length', async () => {
    const { service } = await setup({ noExtendedLength: true });
    const r = await service.identify({ mode: 'visual', attester: 'crew-1' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.apduCount).toBeGreaterThan(4);
  });

  it('uses short chunks only on a reader path without extended length', async () => {
    const { card, service } = await setup({}, { extendedLength: false });
    const r = await service.identify({ mode: 'visual', attester: 'crew-1' });
    expect(r.ok).toBe(true);
    expect(card.log.every((e) => !e.extended)).toBe(true);
  });

  it.each([
    [3, 'ok'],
    [2, 'ok'],
    [1, 'pin-last-try'],
    [0, 'pin-blocked'],
  ] as const)(
    'with %i tries left: %s, and VERIFY with data only when at least 2 remain',
    async (tries, outcome) => {
      const { card, service } = await setup();
      card.setTriesLeft('auth', tries);
      const r = await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
      if (outcome === 'ok') {
        expect(r.ok).toBe(true);
        expect(verifiesWithData(card)).toBe(1);
        expect(card.triesLeft('auth')).toBe(3);
        return;
      }
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe(outcome);
      expect(r.error.next).toBe('use-visual-confirmation');
      expect(r.error.crewMessage).toMatch(/visual confirmation/);
      expect(verifiesWithData(card)).toBe(0);
      expect(card.triesLeft('auth')).toBe(tries);
    },
  );

  it('a wrong PIN reports the tries left; the counter persists across sessions and resets on success', async () => {
    const { card, service } = await setup();
    const wrong = holder.authPin === '0000' ? '1111' : '0000';
    const r = await service.identify({ mode: 'pin', pin: phi(wrong) });
    expect(!r.ok && r.error.code).toBe('pin-wrong');
    expect(!r.ok && r.error.pinTriesLeft).toBe(2);
    expect((await makeCard(stateDir, 0)).triesLeft('auth')).toBe(2);
    expect(await service.pinTries()).toEqual({ ok: true, value: 2 });
    const good = await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
    expect(good.ok).toBe(true);
    expect(card.triesLeft('auth')).toBe(3);
  });

  it('a locked PIN (locked-pin fault) gives "use visual confirmation" without any VERIFY with data', async () => {
    const { card, service } = await setup();
    card.setTriesLeft('auth', 0);
    const r = await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
    expect(!r.ok && r.error.code).toBe('pin-blocked');
    expect(verifiesWithData(card)).toBe(0);
  });

  it('removal at every APDU position: no crash, no identity, a clear "tap again"', async () => {
    const { service: probe } = await setup();
    const full = await probe.identify({ mode: 'pin', pin: phi(holder.authPin) });
    const count = full.ok ? full.value.apduCount : 0;
    expect(count).toBe(9);
    for (let n = 1; n <= count; n++) {
      const { service, reader } = await setup({ removeAtApdu: n });
      const r = await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
      expect(r.ok, `removal at APDU ${n}`).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe('card-removed');
      expect(r.error.next).toBe('tap-again');
      expect(r.error.crewMessage).toMatch(/tap again/);
      expect(r.error.apduCount).toBe(n);
      expect(reader.readers()[0]?.cardPresent).toBe(false);
    }
  });

  it.each([
    [{ corruptCertificate: true }, 'certificate-corrupt', 'continue-without-card'],
    [{ expiredCertificate: true }, 'certificate-expired', 'continue-without-card'],
    [{ suspended: true }, 'card-suspended', 'continue-without-card'],
    [{ wrongLength: true }, 'card-read-error', 'tap-again'],
  ] as const)('fault %o gives %s', async (faults, code, next) => {
    const { service } = await setup(faults);
    const r = await service.identify({ mode: 'visual', attester: 'crew-1' });
    expect(!r.ok && r.error.code).toBe(code);
    expect(!r.ok && r.error.next).toBe(next);
  });

  it('an expired certificate costs no PIN try', async () => {
    const { card, service } = await setup({ expiredCertificate: true });
    const r = await service.identify({ mode: 'pin', pin: phi('9999') });
    expect(!r.ok && r.error.code).toBe('certificate-expired');
    expect(card.log.some((e) => e.ins === 0x20)).toBe(false);
  });

  it('a certificate from another CA is untrusted', async () => {
    const other = await trustAnchorsOf(newStateDir());
    const card = await makeCard(stateDir, 0);
    const reader = new InProcessReader();
    reader.insert(card);
    const service = new ReaderService(reader, { trustAnchors: other });
    const r = await service.identify({ mode: 'visual', attester: 'crew-1' });
    expect(!r.ok && r.error.code).toBe('certificate-untrusted');
  });

  it('a slow card hits the per-APDU timeout: "tap again"', async () => {
    const { service } = await setup({ latencyMs: 200 }, { apduTimeoutMs: 50 });
    const r = await service.identify({ mode: 'visual', attester: 'crew-1' });
    expect(!r.ok && r.error.code).toBe('card-timeout');
    expect(!r.ok && r.error.next).toBe('tap-again');
  });

  it('refuses bad requests before touching the card', async () => {
    const { card, service } = await setup();
    const a = await service.identify({ mode: 'pin', pin: phi('12a4') });
    const b = await service.identify({ mode: 'visual', attester: '' });
    expect(!a.ok && a.error.code).toBe('invalid-request');
    expect(!b.ok && b.error.code).toBe('invalid-request');
    expect(card.log).toHaveLength(0);
  });

  it('never selects the 券面事項入力補助 AP (the Individual Number) in any default flow', async () => {
    const { card, service } = await setup();
    await service.identify({ mode: 'visual', attester: 'crew-1' });
    await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
    await service.pinTries();
    expect(card.log.filter((e) => e.ins === 0xa4 && e.p1 === 0x04)).toHaveLength(3);
    expect(AID.text).not.toBe(AID.jpki);
    expect(card.log.some((e) => e.ins === 0xa4 && e.p1 === 0x04 && e.lc !== 10)).toBe(false);
  });

  it('reports no card when none is inserted', async () => {
    const service = new ReaderService(new InProcessReader(), { trustAnchors: anchors });
    const r = await service.identify({ mode: 'visual', attester: 'crew-1' });
    expect(!r.ok && r.error.code).toBe('no-card');
  });
});
