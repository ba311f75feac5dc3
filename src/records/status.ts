import * as v from 'valibot';
import type { OperatorCode, PermanentCode } from './outcomes.js';

/**
 * The records API's refusals: the `outcome` of a JSON error body, each with its one HTTP status. The
 * reference service answers from this table and the client reads it back, so the two cannot drift.
 */
export const SERVICE_REFUSALS = {
  'bad-request': 400,
  /** Signature, key id, audience or issuedAt not accepted. */
  unauthorized: 401,
  'card-suspended': 403,
  'card-revoked': 403,
  'certificate-expired': 403,
  'no-eligibility': 403,
  'not-found': 404,
  /** Too many card-less lookups by this crew member (docs/records.md); Retry-After says when again. */
  'rate-limited': 429,
  unavailable: 503,
} as const;
export type ServiceRefusal = keyof typeof SERVICE_REFUSALS;

export const RefusalBody = v.object({
  outcome: v.picklist(Object.keys(SERVICE_REFUSALS) as ServiceRefusal[]),
});

/** What one HTTP answer means to the client. */
export type AttemptVerdict =
  | { readonly kind: 'final'; readonly code: PermanentCode | OperatorCode; readonly detail?: 'revoked' }
  | { readonly kind: 'transient'; readonly retryAfterMs: number | undefined };

const retryAfter = (header: string | null): number | undefined => {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
};

/**
 * A non-200 answer → a verdict. 5xx and 429 are transient (retry); a 4xx with a known outcome is
 * final; any other 4xx is an operator matter, because resending the same request cannot help.
 */
export const verdictFor = (
  status: number,
  body: unknown,
  retryAfterHeader: string | null,
): AttemptVerdict => {
  if (status >= 500 || status === 429)
    return { kind: 'transient', retryAfterMs: retryAfter(retryAfterHeader) };
  const parsed = v.safeParse(RefusalBody, body);
  const outcome = parsed.success ? parsed.output.outcome : undefined;
  switch (outcome) {
    case 'card-suspended':
      return { kind: 'final', code: 'card-suspended' };
    case 'card-revoked':
      return { kind: 'final', code: 'card-suspended', detail: 'revoked' };
    case 'certificate-expired':
      return { kind: 'final', code: 'certificate-expired' };
    case 'no-eligibility':
      return { kind: 'final', code: 'no-eligibility' };
    case 'not-found':
      return { kind: 'final', code: 'not-found' };
    case 'unauthorized':
      return { kind: 'final', code: 'device-rejected' };
    case 'bad-request':
    case 'rate-limited':
    case 'unavailable':
    case undefined:
      return status === 401
        ? { kind: 'final', code: 'device-rejected' }
        : { kind: 'final', code: 'request-rejected' };
    default:
      return outcome satisfies never;
  }
};
