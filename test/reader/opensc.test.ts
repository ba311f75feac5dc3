import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReaderService, type PcscBackend, type TrustAnchor } from '../../src/reader/index.js';
import {
  acquirePrivatePcscd,
  loadOrCreateCard,
  VpcdCard,
  type EmulatedCard,
  type PrivatePcscd,
} from '../../src/sim/card/index.js';
import { makeCard, newStateDir, trustAnchorsOf } from '../support/cards.js';
import { pemToDer, pkcs15Tool } from '../support/opensc.js';
import { testPcscBackend, waitFor } from '../support/pcsc.js';

/**
 * OpenSC 0.23 (Debian 12) and our reader against the same emulated card, through a real pcscd and
 * the vpcd virtual reader.
 */
let pcscd: PrivatePcscd;
let stateDir: string;
let anchors: readonly TrustAnchor[];
let card: EmulatedCard;
let vpcd: VpcdCard;
let backend: PcscBackend;

beforeAll(async () => {
  stateDir = newStateDir();
  anchors = await trustAnchorsOf(stateDir);
  card = await makeCard(stateDir);
  pcscd = await acquirePrivatePcscd();
  vpcd = new VpcdCard(card, { port: pcscd.vpcdPort });
  vpcd.insert();
  await waitFor(() => vpcd.powered, 15_000, 'the card to be powered');
}, 300_000);

afterAll(async () => {
  await backend?.close();
  vpcd?.remove();
  await pcscd?.stop();
});

describe('OpenSC agrees with the emulator', () => {
  it('pkcs15-tool --list-certificates lists the JPKI user-auth certificate at EF 000A', async () => {
    const out = await pkcs15Tool('--list-certificates');
    expect(out).toMatch(/X\.509 Certificate \[User Authentication Certificate\]\s+Object Flags\s+: \[0x00\]/);
    expect(out).toMatch(/Path\s+: 000a/);
    expect(out).toMatch(/Digital Signature Certificate\]\s+Object Flags\s+: \[0x01\], private/);
  });

  it('pkcs15-tool --read-certificate returns exactly the DER the emulator holds', async () => {
    const material = await loadOrCreateCard(stateDir, 1, 0);
    const out = await pkcs15Tool('--read-certificate', '1');
    expect(pemToDer(out).equals(Buffer.from(material.authCertificate))).toBe(true);
  });

  it('pkcs15-tool --list-pins shows the remaining tries the card counts', async () => {
    card.setTriesLeft('auth', 2);
    const out = await pkcs15Tool('--list-pins');
    card.setTriesLeft('auth', 3);
    expect(out).toMatch(/PIN \[User Authentication PIN\][\s\S]*?Tries left\s+: 2/);
    expect(out).toMatch(/PIN \[Digital Signature PIN\][\s\S]*?Tries left\s+: 5/);
  });

  it('our reader reads the same certificate with fewer APDUs than OpenSC (counted by the emulator)', async () => {
    card.clearLog();
    const opensc = await pkcs15Tool('--read-certificate', '1');
    const openscApdus = card.log.length;

    backend = testPcscBackend();
    await waitFor(() => backend.readers().some((r) => r.cardPresent), 15_000, 'the card in our reader');
    const service = new ReaderService(backend, { trustAnchors: anchors });
    card.clearLog();
    const ours = await service.identify({ mode: 'visual', attester: 'crew-0001' });
    const ourApdus = card.log.length;

    expect(ours.ok).toBe(true);
    if (!ours.ok) return;
    expect(Buffer.from(ours.value.certificateDer.reveal()).equals(pemToDer(opensc))).toBe(true);
    expect(ours.value.apduCount).toBe(ourApdus);
    process.stdout.write(
      `APDUs to read the user-auth certificate: ours ${ourApdus}, OpenSC pkcs15-tool ${openscApdus}\n`,
    );
    expect(ourApdus).toBeLessThan(openscApdus);
    expect(ourApdus).toBe(4);
  });
});
