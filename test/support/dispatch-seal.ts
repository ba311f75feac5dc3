import {
  encodeDispatchBody,
  type DispatchMessage,
  type EnvelopeCodec,
} from '../../src/hospital-feed/index.js';

/**
 * A message to a dispatch centre as its sender seals it (a unit's milestone, a hospital's answer):
 * the body through the production schema, then sealed to the centre `to`. `stream` is what the
 * sender orders by: the case for a milestone, the inquiry for an answer.
 */
export const sealForDispatch = async (
  codec: EnvelopeCodec,
  to: string,
  message: DispatchMessage,
  o: { readonly stream: string; readonly sequence: number; readonly expiresAt: number },
) => {
  const body = encodeDispatchBody(message);
  if (!body.ok) throw new Error(body.error.code);
  return codec.seal({ kind: message.kind, to, body: body.value, ...o });
};
