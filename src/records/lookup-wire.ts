import { createHmac } from 'node:crypto';
import * as v from 'valibot';
import type { SubjectRef } from './binding.js';
import { normaliseAddress, normaliseName, type Candidate, type LookupQuery } from './lookup.js';
import { PURPOSES } from './request.js';

/**
 * The card-less lookup on the wire (issue 13; docs/records.md, "Card-less lookup"): the same signed
 * envelope as the summary request (`SignedEnvelope`, POST `/records/v1/lookup`), the answer sealed and
 * framed with its binding like a summary (`frameAnswer`), so a replayed answer for another lookup or
 * another unit is refused. The query travels only in the signed, TLS-carried body, never in a URL.
 */

const OpaqueId = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/));
const Text = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
const Digits = (re: RegExp) => v.pipe(v.string(), v.regex(re));

/** The query as sent: values as the crew typed them (the service normalises exactly as the tablet checked). */
export const WireQuery = v.variant('kind', [
  v.object({
    kind: v.literal('four-items'),
    nameKana: v.optional(Text(64)),
    nameKanji: v.optional(Text(64)),
    birthDate: v.pipe(v.string(), v.isoDate()),
    sex: v.optional(v.picklist(['male', 'female'])),
    address: v.optional(Text(200)),
    postcode: v.optional(Digits(/^\d{3}-?\d{4}$/)),
  }),
  v.object({
    kind: v.literal('insurer-number'),
    insurerNumber: Digits(/^(\d{6}|\d{8})$/),
    symbol: v.optional(Text(32)),
    number: v.pipe(v.string(), v.regex(/^[0-9A-Za-z-]{1,20}$/)),
    branch: Digits(/^\d{2}$/),
  }),
]);

/** The signed lookup request, as JSON (the summary request's frame, with a query instead of a card). */
export const WireLookupRequest = v.object({
  v: v.literal(1),
  requestId: v.pipe(v.string(), v.uuid()),
  issuedAt: v.pipe(v.string(), v.isoTimestamp()),
  audience: OpaqueId,
  unit: OpaqueId,
  /** The crew member asking: the service limits lookups per crew member of a unit. */
  crewMember: OpaqueId,
  purpose: v.picklist(PURPOSES),
  query: WireQuery,
});
export type WireLookupRequest = v.InferOutput<typeof WireLookupRequest>;

/** The most candidates one answer lists: more means the crew must add what they know. */
export const MAX_CANDIDATES = 20;

/** A candidate's opaque reference: 128 random bits, base64url; it names the person for this answer only. */
export const CandidateRef = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,64}$/));

/** The sealed answer's body after its binding line: candidates only, never a name or an identifier. */
export const LookupAnswer = v.object({
  candidates: v.pipe(
    v.array(
      v.strictObject({
        ref: CandidateRef,
        score: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100)),
        age: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(130))),
        sex: v.optional(v.picklist(['male', 'female'])),
        municipality: v.optional(v.pipe(v.string(), v.maxLength(40))),
      }),
    ),
    v.maxLength(MAX_CANDIDATES),
  ),
  /** False when more people matched than the answer lists (the crew adds an item). */
  complete: v.boolean(),
});
export type LookupAnswer = v.InferOutput<typeof LookupAnswer>;

/**
 * The query with every value as compared (names and addresses normalised, digits only), in a fixed
 * order: two ways of typing the same query give the same bytes, so the same digest.
 */
export const canonicalQuery = (q: LookupQuery): string => {
  const digits = (s: string | undefined): string => (s ?? '').normalize('NFKC').replace(/[-\s]/g, '');
  switch (q.kind) {
    case 'four-items':
      return JSON.stringify([
        q.kind,
        normaliseName(q.nameKana ?? ''),
        normaliseName(q.nameKanji ?? ''),
        q.birthDate,
        q.sex ?? '',
        normaliseAddress(q.address ?? ''),
        digits(q.postcode),
      ]);
    case 'insurer-number':
      return JSON.stringify([
        q.kind,
        digits(q.insurerNumber),
        normaliseName(q.symbol ?? ''),
        digits(q.number),
        digits(q.branch),
      ]);
    default:
      return q satisfies never;
  }
};

/** What the lookup answer is bound to: the query asked (its canonical form, as a digest only). */
export const lookupSubject = (q: LookupQuery): SubjectRef => ({
  kind: 'identifier',
  system: 'urn:ems-gateway:records:lookup-query',
  value: canonicalQuery(q),
});

/** What a confirmed candidate's summary answer is bound to: the candidate's ref. */
export const candidateSubject = (ref: string): SubjectRef => ({
  kind: 'identifier',
  system: 'urn:ems-gateway:records:candidate',
  value: ref,
});

/**
 * The audit's record of a lookup's inputs: HMAC-SHA256 under a key of this instance only (hex). The
 * same inputs give the same digest within the instance (repeated lookups of one person can be seen),
 * and nobody without the key can test a guessed name and birth date against the log.
 */
export const lookupInputsDigest = (key: Uint8Array, q: LookupQuery): string =>
  createHmac('sha256', key).update(canonicalQuery(q), 'utf8').digest('hex');

/** The query as the service reads it back (optional fields absent, not undefined). */
export const queryOf = (w: v.InferOutput<typeof WireQuery>): LookupQuery => w as LookupQuery;

/** The wire form of candidates, for the answer. */
export const answerOf = (candidates: readonly Candidate[], complete: boolean): LookupAnswer => ({
  candidates: candidates.map((c) => ({ ...c })),
  complete,
});
