import * as v from 'valibot';

/**
 * Identity assurance as it travels in the pre-arrival report (issue 13, docs/protocol.md): how the
 * crew identified the patient. Optional on the wire, because reports from before it existed must
 * still be accepted; a reader turns its absence into "not stated" (`statedAssurance`), never a card.
 */
const OpaqueId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
const Score = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100));

export const IdentityAssuranceWire = v.variant('method', [
  v.object({ method: v.literal('card-pin') }),
  v.object({ method: v.literal('card-visual'), attester: OpaqueId }),
  v.object({ method: v.literal('insurer-number'), score: Score, confirmedBy: OpaqueId }),
  v.object({ method: v.literal('four-items'), score: Score, confirmedBy: OpaqueId }),
  v.object({ method: v.literal('crew-entered') }),
]);
