import { describe, expect, it } from 'vitest';
import {
  DeviceIdentity,
  fromHex,
  openEnvelope,
  signedInner,
  toHex,
  type DeviceIdentity as Identity,
} from '../../src/crypto/index.js';
import { directoryOf } from './support.js';
import { protocolVectors, type Party } from './vectors.js';

const v = protocolVectors();
const hex = (text: string): Uint8Array => fromHex(text) as Uint8Array;
const identity = (p: Party): Identity =>
  DeviceIdentity.fromSecrets(p.principal, hex(p.ed25519Seed), hex(p.x25519Secret));

describe('docs/protocol.md test vectors', () => {
  const sender = identity(v.sender);
  const recipient = identity(v.recipient);

  it('derive the stated public keys and key ids from the seeds', () => {
    for (const [party, id] of [
      [v.sender, sender],
      [v.recipient, recipient],
    ] as const) {
      expect(toHex(id.publicKeys.ed25519)).toBe(party.ed25519Public);
      expect(toHex(id.publicKeys.x25519)).toBe(party.x25519Public);
      expect(id.keyIdHex).toBe(party.keyId);
    }
  });

  it('reproduce the signed inner part byte for byte', () => {
    const inner = signedInner(sender, recipient, {
      kind: v.fields.kind,
      body: hex(v.bodyHex),
      streamId: hex(v.fields.streamId),
      sequence: v.fields.sequence,
      createdAt: v.fields.createdAt,
      expiresAt: v.fields.expiresAt,
      messageId: hex(v.fields.messageId),
    });
    expect(inner.ok && toHex(inner.value)).toBe(v.innerHex);
  });

  it('open the published envelope to the published body, with the inner part inside it', () => {
    const wire = hex(v.envelopeHex);
    expect(toHex(recipient.openSealed(wire.subarray(21)) as Uint8Array)).toBe(v.innerHex);
    const directory = directoryOf([
      { identity: sender, role: 'ambulance', validFrom: v.openAt - 1000, validUntil: v.openAt + 1000 },
      { identity: recipient, role: 'hospital', validFrom: v.openAt - 1000, validUntil: v.openAt + 1000 },
    ]);
    const opened = openEnvelope(wire, {
      keys: [recipient],
      directory,
      now: v.openAt,
      maxLifetimeMs: 86_400_000,
      maxClockSkewMs: 120_000,
    });
    if (!opened.ok) throw new Error(opened.error.code);
    expect(new TextDecoder().decode(opened.value.body)).toBe(v.bodyUtf8);
    expect(toHex(opened.value.body)).toBe(v.bodyHex);
    expect(opened.value).toMatchObject({
      kind: v.fields.kind,
      messageId: v.fields.messageId,
      streamId: v.fields.streamId,
      sequence: v.fields.sequence,
      createdAt: v.fields.createdAt,
      expiresAt: v.fields.expiresAt,
      sender: { principal: v.sender.principal, keyId: v.sender.keyId },
    });
  });
});
