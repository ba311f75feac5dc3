import type { CardIdentity } from '../../reader/index.js';
import type { CardIdentity as RecordsCardIdentity, SummaryRequest } from '../../records/index.js';
import type { CardSession } from './state.js';

/** The reader's identity in the records request's shape (the serial and DER leave their Phi wrap here only). */
export const recordsIdentity = (identity: CardIdentity): RecordsCardIdentity => {
  const presence = identity.presence?.reveal();
  const attester = identity.attester;
  let check: RecordsCardIdentity['check'];
  if (identity.mode === 'pin' && presence !== undefined)
    check = { mode: 'pin', challenge: presence.challenge, challengeSignature: presence.signature };
  else if (identity.mode === 'visual' && attester !== undefined) check = { mode: 'visual', attester };
  // The reader sets both for its mode; anything else is a bug, not a patient to fetch records for.
  else throw new Error(`a ${identity.mode} identity without its proof`);
  return {
    certificate: identity.certificateDer.reveal(),
    certificateSerial: identity.certificateSerial.reveal(),
    check,
  };
};

/**
 * The records request for this patient, or undefined before there is one to make: it needs the
 * session's subject (the cache key), the consent basis, and an identity, the card read or else the
 * confirmed lookup candidate (the same request, cache and outcomes either way).
 */
export const summaryRequest = (s: CardSession, crewMember: string): SummaryRequest | undefined => {
  if (s.subject === undefined || s.consent === undefined) return undefined;
  const identity = s.identity === undefined ? s.candidate : recordsIdentity(s.identity);
  if (identity === undefined) return undefined;
  return { identity, consent: s.consent, purpose: 'emergency-care', crewMember, session: s.subject };
};
