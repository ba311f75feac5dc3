import { X509Certificate } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import { sealEnvelope, sodium, type DeviceIdentity, type DirectoryView } from '../../crypto/index.js';
import { RESPONSE_KIND, type ServiceRefusal, type WireRequest } from '../../records/index.js';
import { checkCertificate, verifyChallengeSignature, type TrustAnchor } from '../../reader/index.js';

/** Checks the device's signature over the request bytes; gives the signing key's principal, if valid. */
export interface RequestVerifier {
  verify(bytes: Uint8Array, signature: Uint8Array, keyId: string): Promise<string | undefined>;
}

/** Seals the answer to the device key that signed the request (`keyId`). */
export interface ResponseSealer {
  seal(bytes: Uint8Array, keyId: string): Promise<Uint8Array>;
}

/** Checks the card identity a request carries; a refusal code, or `undefined` when it holds. */
export interface CardCheck {
  check(identity: CardWireIdentity, now: number): ServiceRefusal | undefined;
}

/** A request's identity when it names a card (a confirmed lookup candidate names none). */
export type CardWireIdentity = Exclude<WireRequest['identity'], { mode: 'candidate' }>;

/** A sealed answer is opened at once by the gateway that asked; five minutes bounds a slow network. */
const RESPONSE_TTL_MS = 5 * 60_000;

/**
 * Verifies against the pinned key directory: the key id must name an ambulance key valid now, and the
 * Ed25519 signature must verify with it (a revoked or expired device key is refused like a stranger).
 */
export const directoryVerifier = (directory: DirectoryView, clock: Clock): RequestVerifier => ({
  verify: (bytes, signature, keyId) => {
    const { status, entry } = directory.current.lookup(keyId, clock.now());
    const valid =
      status === 'valid' &&
      entry?.role === 'ambulance' &&
      signature.length === 64 &&
      sodium.verifyDetached(signature, bytes, entry.publicKeys.ed25519);
    return Promise.resolve(valid ? entry.principal : undefined);
  },
});

/**
 * Seals with the envelope (docs/protocol.md): signed by the records service, the requesting key's id
 * inside the signed part, then sealed to that key's X25519 public key. So the summary stays encrypted
 * from here into the tablet's cache, and the tablet can tell it came from the records service.
 */
export const envelopeSealer = (
  identity: DeviceIdentity,
  directory: DirectoryView,
  clock: Clock,
): ResponseSealer => ({
  seal: (bytes, keyId) => {
    const now = clock.now();
    const { status, entry } = directory.current.lookup(keyId, now);
    if (status !== 'valid' || entry === undefined)
      return Promise.reject(new Error(`key ${keyId} is ${status} in the directory`));
    const sealed = sealEnvelope(identity, entry, {
      kind: RESPONSE_KIND,
      body: bytes,
      // One answer per stream: the request already carries its own id and time.
      streamId: sodium.randomBytes(16),
      sequence: 0,
      createdAt: now,
      expiresAt: now + RESPONSE_TTL_MS,
    });
    return sealed.ok ? Promise.resolve(sealed.value) : Promise.reject(new Error(sealed.error.message));
  },
});

/**
 * What a records service checks of the card before it answers: the certificate chains to the card
 * CA (the emulator's test CA here, J-LIS in production) and is current; its serial is the one the
 * request names; in PIN mode the card's signature over the challenge verifies with the certificate's key.
 */
export const certificateCardCheck = (anchors: readonly TrustAnchor[]): CardCheck => ({
  check: (identity, now) => {
    const der = Buffer.from(identity.certificate, 'base64');
    const checked = checkCertificate(der, anchors, now);
    if (!checked.ok)
      return checked.error.code === 'certificate-expired' ? 'certificate-expired' : 'bad-request';
    if (checked.value.serial !== identity.certificateSerial) return 'bad-request';
    if (identity.mode === 'visual') return undefined;
    const signed = verifyChallengeSignature(
      new X509Certificate(der),
      Buffer.from(identity.challenge, 'base64'),
      Buffer.from(identity.challengeSignature, 'base64'),
    );
    return signed ? undefined : 'bad-request';
  },
});
