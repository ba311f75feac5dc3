import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phi } from '../../src/log/index.js';
import { ReaderService, type PcscBackend, type TrustAnchor } from '../../src/reader/index.js';
import { cardholder } from '../../src/sim/index.js';
import { acquirePrivatePcscd, VpcdCard, type Faults, type PrivatePcscd } from '../../src/sim/card/index.js';
import { makeCard, newStateDir, trustAnchorsOf } from '../support/cards.js';
import { testPcscBackend, waitFor } from '../support/pcsc.js';

/** Faults and recovery through a real pcscd, the vpcd reader and the pcsclite worker. */
const holder = cardholder(1, 0);
let pcscd: PrivatePcscd;
let stateDir: string;
let anchors: readonly TrustAnchor[];
let backend: PcscBackend;
let service: ReaderService;
let vpcd: VpcdCard | undefined;

beforeAll(async () => {
  stateDir = newStateDir();
  anchors = await trustAnchorsOf(stateDir);
  pcscd = await acquirePrivatePcscd();
  backend = testPcscBackend();
  service = new ReaderService(backend, { trustAnchors: anchors, apduTimeoutMs: 3_000 });
  await waitFor(() => service.ready, 15_000, 'the reader service');
}, 300_000);

afterAll(async () => {
  vpcd?.remove();
  await service?.close();
  await pcscd?.stop();
});

/** Inserts a fresh emulated card (after removing the previous one) and waits until PC/SC sees it. */
const insert = async (faults: Faults = {}, tries = 3) => {
  if (vpcd !== undefined) {
    vpcd.remove();
    await waitFor(() => !backend.readers().some((r) => r.cardPresent), 15_000, 'the removal');
  }
  const card = await makeCard(stateDir, 0, faults);
  card.setTriesLeft('auth', tries);
  vpcd = new VpcdCard(card, { port: pcscd.vpcdPort, retryMs: 50 });
  vpcd.insert();
  await waitFor(() => backend.readers().some((r) => r.cardPresent), 15_000, 'the card');
  return card;
};

describe('through pcscd and vpcd', () => {
  it('emits card inserted and removed events', async () => {
    const seen: string[] = [];
    const onIn = (): number => seen.push('in');
    const onOut = (): number => seen.push('out');
    service.on('card-inserted', onIn);
    service.on('card-removed', onOut);
    await insert();
    vpcd?.remove();
    await waitFor(() => seen.includes('out'), 15_000, 'card-removed');
    service.off('card-inserted', onIn);
    service.off('card-removed', onOut);
    expect(seen).toEqual(['in', 'out']);
  });

  it('PIN mode end to end: signature verified, and the card is reset after the PIN was verified', async () => {
    const card = await insert();
    const r = await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
    expect(r.ok && r.value.verification.cardPresence).toBe('signature-verified');
    // After the reset nothing is verified: signing without a new VERIFY is refused (6982).
    const select = Uint8Array.of(
      0x00,
      0xa4,
      0x04,
      0x0c,
      0x0a,
      0xd3,
      0x92,
      0xf0,
      0x00,
      0x26,
      0x01,
      0x00,
      0x00,
      0x00,
      0x01,
    );
    expect(card.process(select).slice(-2)).toEqual(Uint8Array.of(0x90, 0x00));
    expect(card.process(Uint8Array.of(0x80, 0x2a, 0x00, 0x97, 0x01, 0x00, 0x00)).slice(-2)).toEqual(
      Uint8Array.of(0x69, 0x82),
    );
  });

  it('removal at every APDU position: no crash, no identity, "tap again"', async () => {
    for (let n = 1; n <= 9; n++) {
      await insert({ removeAtApdu: n });
      const r = await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
      expect(r.ok, `removal at APDU ${n}`).toBe(false);
      if (r.ok) continue;
      expect(
        ['card-removed', 'reader-unavailable'],
        `removal at APDU ${n}: ${r.error.code} ${r.error.detail}`,
      ).toContain(r.error.code);
      expect(r.error.next).toBe('tap-again');
    }
    await insert();
    expect((await service.identify({ mode: 'visual', attester: 'crew-1' })).ok).toBe(true);
  }, 120_000);

  it.each([3, 2, 1, 0])(
    'PIN with %i tries left; the card proves VERIFY was never sent below 2',
    async (tries) => {
      const card = await insert({}, tries);
      const r = await service.identify({ mode: 'pin', pin: phi(holder.authPin) });
      const verifies = card.log.filter((e) => e.ins === 0x20 && e.lc > 0).length;
      if (tries >= 2) {
        expect(r.ok).toBe(true);
        expect(verifies).toBe(1);
      } else {
        expect(!r.ok && r.error.code).toBe(tries === 1 ? 'pin-last-try' : 'pin-blocked');
        expect(!r.ok && r.error.next).toBe('use-visual-confirmation');
        expect(verifies).toBe(0);
        expect(card.triesLeft('auth')).toBe(tries);
      }
    },
  );

  it('corrupted DER: a clear "certificate damaged" outcome', async () => {
    await insert({ corruptCertificate: true });
    const r = await service.identify({ mode: 'visual', attester: 'crew-1' });
    expect(!r.ok && r.error.code).toBe('certificate-corrupt');
    expect(!r.ok && r.error.crewMessage).toMatch(/damaged/);
  });

  it('pcscd killed mid-session and restarted: the service recovers by itself', async () => {
    await insert({ latencyMs: 150 });
    const generation = backend.generation;
    const pending = service.identify({ mode: 'visual', attester: 'crew-1' });
    await waitFor(() => (vpcd?.card.log.length ?? 0) >= 1, 15_000, 'the session to start');
    await pcscd.kill();
    const r = await pending;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.next).toBe('tap-again');
    await waitFor(() => !service.ready, 15_000, 'the service to notice');
    await pcscd.start();
    await waitFor(() => backend.generation > generation && service.ready, 30_000, 'recovery');
    await waitFor(() => backend.readers().some((r) => r.cardPresent), 30_000, 'the card again');
    const again = await service.identify({ mode: 'visual', attester: 'crew-1' });
    expect(again.ok).toBe(true);
  }, 120_000);
});
