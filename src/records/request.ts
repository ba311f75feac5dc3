import * as v from 'valibot';

/**
 * What the gateway sends the records service (docs/records.md). The request object is serialised to
 * bytes once, those exact bytes are signed by the device, and the envelope carries both.
 */

/** How the holder's identity was confirmed at the scene. */
export type IdentityCheck =
  /** The patient entered the PIN; the card signed the service's challenge (JPKI user authentication). */
  | { readonly mode: 'pin'; readonly challenge: Uint8Array; readonly challengeSignature: Uint8Array }
  /** The crew compared the card photo with the patient; `attester` is the crew member's opaque id. */
  | { readonly mode: 'visual'; readonly attester: string };

/** The card identity the reader hands over (issue #3 produces it). */
export interface CardIdentity {
  /** The JPKI user-authentication certificate, DER. */
  readonly certificate: Uint8Array;
  /** Its serial, upper-case hex: the key to the holder's records. Never in a URL or a log line. */
  readonly certificateSerial: string;
  readonly check: IdentityCheck;
}

/** Why the patient could not consent (bounded vocabulary: no free text, so no patient data). */
export const UNABLE_REASONS = [
  'unconscious',
  'altered-mental-status',
  'severe-distress',
  'language-barrier',
] as const;
export type UnableReason = (typeof UNABLE_REASONS)[number];

export type ConsentBasis =
  | { readonly basis: 'given' }
  /** The emergency exception: records may be read without consent when the patient cannot give it. */
  | { readonly basis: 'unable-emergency'; readonly reason: UnableReason }
  /** Nothing is fetched. */
  | { readonly basis: 'refused' };

/**
 * A patient identified without a card (issue 13): the candidate of a lookup answer the crew
 * confirmed. The records service resolves `ref` (opaque, from its own answer, for this unit only) to
 * the person; the method and score say how strong the identification is, `confirmedBy` who chose it.
 */
export interface CandidateIdentity {
  readonly ref: string;
  readonly method: 'four-items' | 'insurer-number';
  readonly score: number;
  readonly confirmedBy: string;
}

/** Whom a summary request names: a card read, or a confirmed lookup candidate. */
export type PatientIdentity = CardIdentity | CandidateIdentity;

export const isCandidate = (identity: PatientIdentity): identity is CandidateIdentity => 'ref' in identity;

export const PURPOSES = ['emergency-care'] as const;

/** The envelope kind (docs/protocol.md) a records service seals its answer under. */
export const RESPONSE_KIND = 'records-response';
export type Purpose = (typeof PURPOSES)[number];

export interface SummaryRequest {
  readonly identity: PatientIdentity;
  readonly consent: ConsentBasis;
  readonly purpose: Purpose;
  /** Opaque id of the crew member making the request. */
  readonly crewMember: string;
  /** The card session (from the reader): the summary is stored under it. */
  readonly session: string;
}

const OpaqueId = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/));
const Base64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/]+={0,2}$/), v.maxLength(16_384));
const Base64Url = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/), v.maxLength(65_536));
const Serial = v.pipe(v.string(), v.regex(/^[0-9A-F]{2,40}$/));

/** The signed request, as JSON. */
export const WireRequest = v.object({
  v: v.literal(1),
  /** Fresh per attempt: the service may refuse a repeated id (replay). */
  requestId: v.pipe(v.string(), v.uuid()),
  issuedAt: v.pipe(v.string(), v.isoTimestamp()),
  /** The records service's principal id: signed, so the request cannot be replayed to another service. */
  audience: OpaqueId,
  unit: OpaqueId,
  crewMember: OpaqueId,
  purpose: v.picklist(PURPOSES),
  consent: v.variant('basis', [
    v.object({ basis: v.literal('given') }),
    v.object({ basis: v.literal('unable-emergency'), reason: v.picklist(UNABLE_REASONS) }),
  ]),
  identity: v.variant('mode', [
    v.object({
      mode: v.literal('pin'),
      certificate: Base64,
      certificateSerial: Serial,
      challenge: Base64,
      challengeSignature: Base64,
    }),
    v.object({
      mode: v.literal('visual'),
      certificate: Base64,
      certificateSerial: Serial,
      attester: OpaqueId,
    }),
    /** A confirmed lookup candidate (docs/records.md, "Card-less lookup"): no card, the service's own ref. */
    v.object({
      mode: v.literal('candidate'),
      ref: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,64}$/)),
      method: v.picklist(['four-items', 'insurer-number']),
      score: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
      confirmedBy: OpaqueId,
    }),
  ]),
});
export type WireRequest = v.InferOutput<typeof WireRequest>;

/** The HTTP body: the request bytes and the device's signature over exactly those bytes. */
export const SignedEnvelope = v.object({
  keyId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9._:-]{1,128}$/)),
  request: Base64Url,
  signature: Base64Url,
});
export type SignedEnvelope = v.InferOutput<typeof SignedEnvelope>;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

export interface RequestContext {
  readonly requestId: string;
  readonly issuedAt: string;
  readonly audience: string;
  readonly unit: string;
}

/** The wire form of a request; `refused` has none (the caller never gets this far). */
export const wireRequest = (
  request: SummaryRequest & { readonly consent: Exclude<ConsentBasis, { basis: 'refused' }> },
  ctx: RequestContext,
): WireRequest => {
  const id = request.identity;
  const frame = {
    v: 1,
    requestId: ctx.requestId,
    issuedAt: ctx.issuedAt,
    audience: ctx.audience,
    unit: ctx.unit,
    crewMember: request.crewMember,
    purpose: request.purpose,
    consent: request.consent,
  } as const;
  if (isCandidate(id))
    return {
      ...frame,
      identity: {
        mode: 'candidate',
        ref: id.ref,
        method: id.method,
        score: id.score,
        confirmedBy: id.confirmedBy,
      },
    };
  const common = { certificate: b64(id.certificate), certificateSerial: id.certificateSerial };
  return {
    ...frame,
    identity:
      id.check.mode === 'pin'
        ? {
            mode: 'pin',
            ...common,
            challenge: b64(id.check.challenge),
            challengeSignature: b64(id.check.challengeSignature),
          }
        : { mode: 'visual', ...common, attester: id.check.attester },
  };
};

export const encodeRequest = (request: WireRequest): Uint8Array =>
  new TextEncoder().encode(JSON.stringify(request));
