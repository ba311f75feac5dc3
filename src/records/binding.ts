import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { err, ok, type Result } from '../core/index.js';

/**
 * The answer binding (issue 12, H1): a records answer names the request it answers, the patient
 * identity asked for (as a digest) and the unit that asked, inside the part the service signs. The
 * tablet shows and caches an answer only when all three are its own, so an answer captured for one
 * card cannot be served, by anyone on the path, for another card or another request.
 */

/** How the patient was named in the request: the card's certificate serial, or a FHIR identifier. */
export type SubjectRef =
  | { readonly kind: 'jpki-serial'; readonly serial: string }
  | { readonly kind: 'identifier'; readonly system: string; readonly value: string };

const DOMAIN = 'ems-gateway/records/subject/v1';

/**
 * SHA-256 over a domain tag, the kind and the identity, base64url. A digest, not the serial itself:
 * the answer then repeats no identifier, and the digest is useless anywhere but in this comparison.
 * The parts are hashed as a JSON array, so no choice of system and value can collide with another.
 */
export const subjectDigest = (subject: SubjectRef): string => {
  const parts =
    subject.kind === 'jpki-serial'
      ? [DOMAIN, subject.kind, subject.serial.toUpperCase()]
      : [DOMAIN, subject.kind, subject.system, subject.value];
  return createHash('sha256').update(JSON.stringify(parts), 'utf8').digest('base64url');
};

export const AnswerBinding = v.object({
  v: v.literal(1),
  requestId: v.pipe(v.string(), v.uuid()),
  /** `subjectDigest` of the identity the request named. */
  subject: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
  unit: v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{1,62}$/)),
});
export type AnswerBinding = v.InferOutput<typeof AnswerBinding>;

/** Why an answer was refused; bounded vocabulary, so it can label a metric. */
export const BINDING_FAILURES = ['unbound', 'request-id', 'subject', 'unit'] as const;
export type BindingFailure = (typeof BINDING_FAILURES)[number];

const LF = 0x0a;
const MAX_HEADER = 1024;

/**
 * The body a records service seals (docs/records.md, "The sealed answer"): the binding as one line of
 * UTF-8 JSON (JSON.stringify never emits a raw line feed), a line feed, then the Bundle bytes as is,
 * so the Bundle is neither re-encoded nor parsed twice.
 */
export const frameAnswer = (binding: AnswerBinding, bundle: Uint8Array): Uint8Array => {
  const header = new TextEncoder().encode(JSON.stringify(binding));
  const framed = new Uint8Array(header.byteLength + 1 + bundle.byteLength);
  framed.set(header, 0);
  framed[header.byteLength] = LF;
  framed.set(bundle, header.byteLength + 1);
  return framed;
};

/** Splits an opened answer into its binding and Bundle; anything without a valid binding is `unbound`. */
export const unframeAnswer = (
  body: Uint8Array,
): Result<{ readonly binding: AnswerBinding; readonly bundle: Uint8Array }, 'unbound'> => {
  const end = body.subarray(0, MAX_HEADER + 1).indexOf(LF);
  if (end < 0) return err('unbound');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, end)));
  } catch {
    return err('unbound');
  }
  const binding = v.safeParse(AnswerBinding, json);
  return binding.success ? ok({ binding: binding.output, bundle: body.subarray(end + 1) }) : err('unbound');
};

/** Does the answer's binding name exactly this request? The first field that differs is the reason. */
export const checkBinding = (
  expected: AnswerBinding,
  actual: AnswerBinding,
): Result<void, Exclude<BindingFailure, 'unbound'>> => {
  if (actual.requestId !== expected.requestId) return err('request-id');
  if (actual.subject !== expected.subject) return err('subject');
  if (actual.unit !== expected.unit) return err('unit');
  return ok(undefined);
};
