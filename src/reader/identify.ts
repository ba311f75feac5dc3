import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/index.js';
import { err, ok, type Result } from '../core/index.js';
import { phi, type Phi } from '../log/index.js';
import type { CardChannel } from './channel.js';
import { checkCertificate, digestInfo, verifyChallengeSignature, type TrustAnchor } from './certificate.js';
import {
  isValidPin,
  JpkiEf,
  pinDecision,
  pinTries,
  readCertificate,
  selectEf,
  selectJpki,
  signDigestInfo,
  verifyPin,
  type JpkiError,
} from './jpki.js';
import { failure, IdentifyErrorCode, type IdentifyFailure } from './outcomes.js';

/**
 * Who the card says the patient is, without personal data. The serial and the DER link the card to
 * its records and the validity dates follow the holder's birthday (J-LIS ends a user-auth certificate
 * on the 5th birthday after issue), so all three are Phi: they print as `[redacted]` everywhere.
 */
export interface CardIdentity {
  readonly certificateSerial: Phi<string>;
  readonly certificateDer: Phi<Uint8Array>;
  readonly validity: Phi<{ readonly notBefore: string; readonly notAfter: string }>;
  /** The issuing CA's DN. */
  readonly issuer: string;
  readonly mode: 'visual' | 'pin';
  readonly verification: {
    /** Chained to a configured trust anchor and within its validity at `verifiedAt`. */
    readonly certificate: 'trusted-and-current';
    /** `signature-verified`: the card signed a fresh challenge with the certificate's key (PIN mode). */
    readonly cardPresence: 'signature-verified' | 'not-checked';
  };
  /** The crew member who compared the card photo with the patient (visual mode). */
  readonly attester?: string;
  /**
   * PIN mode: the challenge and the card's signature over it, so a records service can check the
   * card's presence itself (docs/records.md) instead of trusting the gateway's word.
   */
  readonly presence?: Phi<{ readonly challenge: Uint8Array; readonly signature: Uint8Array }>;
  readonly verifiedAt: string;
  readonly apduCount: number;
}

export type IdentifyRequest =
  | { readonly mode: 'visual'; readonly attester: string }
  | { readonly mode: 'pin'; readonly pin: Phi<string> };

export type IdentifyStep =
  'reading-certificate' | 'checking-certificate' | 'verifying-pin' | 'signing-challenge';

export interface IdentifyContext {
  readonly trustAnchors: readonly TrustAnchor[];
  readonly clock: Clock;
  /** Source of the challenge; crypto.randomBytes unless a test injects one. */
  readonly random?: (length: number) => Uint8Array;
  /** Try an extended-length READ BINARY (falls back to short chunks by itself). */
  readonly extendedLength?: boolean;
  readonly onStep?: (step: IdentifyStep) => void;
}

export interface IdentifyRun {
  readonly result: Result<CardIdentity, IdentifyFailure>;
  /** A PIN was verified: the session must end with a card reset. */
  readonly pinVerified: boolean;
}

/** Attester ids are crew ids such as `crew-0123`, never names. */
const ATTESTER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const CHALLENGE_BYTES = 32;

/** The whole identification on one card session (jpki.md §2; the PIN rules of jpki.md §3). */
export const identifyCard = async (
  channel: CardChannel,
  request: IdentifyRequest,
  ctx: IdentifyContext,
): Promise<IdentifyRun> => {
  let pinVerified = false;
  const fromJpki = (e: JpkiError): IdentifyRun => ({
    result: err(failure(e.code, e.detail, channel.apduCount, e.pinTriesLeft)),
    pinVerified,
  });
  if (request.mode === 'visual' && !ATTESTER.test(request.attester))
    return fromJpki({ code: IdentifyErrorCode.invalidRequest, detail: 'attester must be a crew id' });
  if (request.mode === 'pin' && !isValidPin(request.pin.reveal()))
    return fromJpki({ code: IdentifyErrorCode.invalidRequest, detail: 'PIN must be 4 digits' });

  ctx.onStep?.('reading-certificate');
  const selected = await selectJpki(channel);
  if (!selected.ok) return fromJpki(selected.error);
  const ef = await selectEf(channel, JpkiEf.authCertificate);
  if (!ef.ok) return fromJpki(ef.error);
  const der = await readCertificate(channel, { extended: ctx.extendedLength ?? true });
  if (!der.ok) return fromJpki(der.error);

  // Check before any PIN is used: an expired or foreign certificate must not cost a try.
  ctx.onStep?.('checking-certificate');
  const now = ctx.clock.now();
  const checked = checkCertificate(der.value, ctx.trustAnchors, now);
  if (!checked.ok) return fromJpki(checked.error);

  let cardPresence: CardIdentity['verification']['cardPresence'] = 'not-checked';
  let presence: CardIdentity['presence'];
  if (request.mode === 'pin') {
    ctx.onStep?.('verifying-pin');
    const tries = await pinTries(channel);
    if (!tries.ok) return fromJpki(tries.error);
    const decision = pinDecision(tries.value);
    switch (decision) {
      case 'verify':
        break;
      case 'refuse-last-try':
        return fromJpki({ code: IdentifyErrorCode.pinLastTry, detail: 'one try left', pinTriesLeft: 1 });
      case 'blocked':
        return fromJpki({ code: IdentifyErrorCode.pinBlocked, detail: 'no tries left', pinTriesLeft: 0 });
      default:
        return decision satisfies never;
    }
    const verified = await verifyPin(channel, request.pin.reveal());
    if (!verified.ok) return fromJpki(verified.error);
    pinVerified = true;

    ctx.onStep?.('signing-challenge');
    const challenge = (ctx.random ?? randomBytes)(CHALLENGE_BYTES);
    const signature = await signDigestInfo(channel, digestInfo(challenge));
    if (!signature.ok) return fromJpki(signature.error);
    if (!verifyChallengeSignature(checked.value.certificate, challenge, signature.value))
      return fromJpki({
        code: IdentifyErrorCode.signatureInvalid,
        detail: "the challenge signature does not verify with the certificate's key",
      });
    cardPresence = 'signature-verified';
    presence = phi({ challenge, signature: signature.value });
  }

  const identity: CardIdentity = {
    certificateSerial: phi(checked.value.serial),
    certificateDer: phi(der.value),
    validity: phi({
      notBefore: checked.value.notBefore.toISOString(),
      notAfter: checked.value.notAfter.toISOString(),
    }),
    issuer: checked.value.issuer,
    mode: request.mode,
    verification: { certificate: 'trusted-and-current', cardPresence },
    ...(request.mode === 'visual' ? { attester: request.attester } : {}),
    ...(presence === undefined ? {} : { presence }),
    verifiedAt: new Date(now).toISOString(),
    apduCount: channel.apduCount,
  };
  return { result: ok(identity), pinVerified };
};

/** Remaining PIN tries, for the PIN screen, without using one. */
export const readPinTries = async (channel: CardChannel): Promise<Result<number, IdentifyFailure>> => {
  const selected = await selectJpki(channel);
  if (!selected.ok) return err(failure(selected.error.code, selected.error.detail, channel.apduCount));
  const tries = await pinTries(channel);
  if (!tries.ok) return err(failure(tries.error.code, tries.error.detail, channel.apduCount));
  return ok(tries.value);
};
