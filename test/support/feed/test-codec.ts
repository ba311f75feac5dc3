import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { err, ok, systemClock, type Clock, type Result } from '../../../src/core/index.js';
import type {
  EnvelopeCodec,
  OpenError,
  OpenedEnvelope,
  SealInput,
  SealedEnvelope,
} from '../../../src/hospital-feed/index.js';

/**
 * TEST ONLY: an envelope codec for the feed's tests and benchmark until src/crypto lands. JSON with an
 * HMAC-SHA256 over every field under a key derived from the sender's id and a shared test secret. It
 * detects tampering, foreign recipients, unknown senders and expiry, but it is NOT confidential and
 * any holder of the secret can forge: never use it for patient data.
 */
export class TestEnvelopeCodec implements EnvelopeCodec {
  constructor(
    private readonly self: string,
    private readonly known: ReadonlySet<string>,
    private readonly secret = 'ems-test-only-secret',
    private readonly clock: Clock = systemClock,
  ) {}

  #key(principal: string): Buffer {
    return createHmac('sha256', this.secret).update(principal).digest();
  }

  #mac(header: Omit<Wire, 'mac'>): string {
    return createHmac('sha256', this.#key(header.from)).update(JSON.stringify(header)).digest('base64');
  }

  seal(input: SealInput): Promise<SealedEnvelope> {
    const header: Omit<Wire, 'mac'> = {
      v: 'test-1',
      kind: input.kind,
      from: this.self,
      to: input.to,
      messageId: randomUUID(),
      sequence: input.sequence,
      createdAt: this.clock.now(),
      expiresAt: input.expiresAt,
      body: Buffer.from(input.body).toString('base64'),
    };
    const wire: Wire = { ...header, mac: this.#mac(header) };
    return Promise.resolve({
      messageId: header.messageId,
      bytes: new TextEncoder().encode(JSON.stringify(wire)),
    });
  }

  open(bytes: Uint8Array): Promise<Result<OpenedEnvelope, OpenError>> {
    return Promise.resolve(this.#open(bytes));
  }

  #open(bytes: Uint8Array): Result<OpenedEnvelope, OpenError> {
    let wire: Wire;
    try {
      wire = JSON.parse(new TextDecoder().decode(bytes)) as Wire;
    } catch {
      return err({ code: 'malformed' });
    }
    if (wire.v !== 'test-1' || typeof wire.mac !== 'string' || typeof wire.from !== 'string')
      return err({ code: 'malformed' });
    if (!this.known.has(wire.from)) return err({ code: 'unknown-sender' });
    const { mac, ...header } = wire;
    const expected = Buffer.from(this.#mac(header), 'base64');
    const given = Buffer.from(mac, 'base64');
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      return err({ code: 'tampered' });
    if (wire.to !== this.self) return err({ code: 'foreign' });
    if (this.clock.now() >= wire.expiresAt) return err({ code: 'expired' });
    return ok({
      kind: wire.kind,
      from: wire.from,
      messageId: wire.messageId,
      sequence: wire.sequence,
      createdAt: wire.createdAt,
      expiresAt: wire.expiresAt,
      body: new Uint8Array(Buffer.from(wire.body, 'base64')),
    });
  }
}

interface Wire {
  v: string;
  kind: string;
  from: string;
  to: string;
  messageId: string;
  sequence: number;
  createdAt: number;
  expiresAt: number;
  body: string;
  mac: string;
}
