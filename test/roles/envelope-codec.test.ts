import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { MemoryReplayStore, type DirectoryView } from '../../src/crypto/index.js';
import { SodiumEnvelopeCodec } from '../../src/roles/envelope-codec.js';
import { bytes, directoryOf, fixedIdentity, T0, type Member } from '../crypto/support.js';

const unit = fixedIdentity('amb-test-01', 10);
const hospital = fixedIdentity('hosp-test-a', 20);
const other = fixedIdentity('hosp-test-b', 30);
const rogue = fixedIdentity('amb-rogue-99', 40);
const members: Member[] = [
  { identity: unit, role: 'ambulance' },
  { identity: hospital, role: 'hospital' },
  { identity: other, role: 'hospital' },
];
const view = (m: readonly Member[]): DirectoryView => ({ current: directoryOf(m) });

const codecFor = (identity: typeof unit, clock: ManualClock, m: readonly Member[] = members) =>
  new SodiumEnvelopeCodec({
    identity,
    keys: [identity],
    directory: view(m),
    replay: new MemoryReplayStore(),
    clock,
  });

const sealReport = (codec: SodiumEnvelopeCodec, to = 'hosp-test-a') =>
  codec.seal({
    kind: 'report',
    to,
    body: bytes('{"x":1}'),
    stream: 'report-1',
    sequence: 1,
    expiresAt: T0 + 60_000,
  });

describe('SodiumEnvelopeCodec (the feed’s envelope port on src/crypto)', () => {
  it('round-trips kind, sender, message id, sequence and body', async () => {
    const clock = new ManualClock(T0);
    const sealed = await sealReport(codecFor(unit, clock));
    const opened = await codecFor(hospital, clock).open(sealed.bytes);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.value).toMatchObject({
      kind: 'report',
      from: 'amb-test-01',
      messageId: sealed.messageId,
      sequence: 1,
    });
    expect(new TextDecoder().decode(opened.value.body)).toBe('{"x":1}');
  });

  it('reports a replay with its authenticated message id, so the feed can acknowledge it again', async () => {
    const clock = new ManualClock(T0);
    const receiver = codecFor(hospital, clock);
    const sealed = await sealReport(codecFor(unit, clock));
    expect((await receiver.open(sealed.bytes)).ok).toBe(true);
    expect(await receiver.open(sealed.bytes)).toEqual({
      ok: false,
      error: { code: 'replayed', messageId: sealed.messageId },
    });
  });

  it('maps refusals onto the feed’s rejection codes', async () => {
    const clock = new ManualClock(T0);
    const sealed = await sealReport(codecFor(unit, clock));
    const tampered = Uint8Array.from(sealed.bytes);
    tampered[tampered.length - 5] = (tampered[tampered.length - 5] ?? 0) ^ 1;
    expect(await codecFor(hospital, clock).open(tampered)).toMatchObject({ error: { code: 'tampered' } });
    expect(await codecFor(other, clock).open(sealed.bytes)).toMatchObject({ error: { code: 'foreign' } });
    expect(await codecFor(hospital, clock).open(bytes('not an envelope'))).toMatchObject({
      error: { code: 'malformed' },
    });
    const fromRogue = await sealReport(
      codecFor(rogue, clock, [...members, { identity: rogue, role: 'ambulance' }]),
    );
    expect(await codecFor(hospital, clock).open(fromRogue.bytes)).toMatchObject({
      error: { code: 'unknown-sender' },
    });
    clock.advance(61_000);
    expect(await codecFor(hospital, clock).open(sealed.bytes)).toMatchObject({ error: { code: 'expired' } });
  });

  it('refuses to seal to a principal the directory does not know', async () => {
    await expect(sealReport(codecFor(unit, new ManualClock(T0)), 'hosp-nowhere')).rejects.toThrow(
      /UNKNOWN_RECIPIENT/,
    );
  });
});
