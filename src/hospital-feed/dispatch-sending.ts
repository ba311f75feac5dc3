import type { Result } from '../core/index.js';
import { err, ok } from '../core/index.js';
import type { EnvelopeCodec } from './codec.js';
import { feedError, FEED_ERRORS, type FeedError } from './errors.js';
import type { PublishLink } from './outbox.js';
import { encodeDispatchBody, type DispatchMessage } from './messages.js';
import { topics } from './topics.js';

/** What a unit sends to a dispatch centre. */
export type ToDispatch = Extract<DispatchMessage, { kind: 'milestone' }>;

/**
 * Seals a message to a dispatch centre and publishes it to the centre's inbox, directly (not through
 * the report outbox): ok once the broker has it. A refusal is the caller's to show and retry.
 */
export const sendToDispatch = async (
  codec: EnvelopeCodec,
  link: Pick<PublishLink, 'publish'>,
  dispatchId: string,
  message: ToDispatch,
  sequence: number,
  expiresAt: number,
): Promise<Result<void, FeedError>> => {
  const body = encodeDispatchBody(message);
  if (!body.ok) return err(feedError(FEED_ERRORS.permanent.invalidBody, body.error.paths));
  let bytes: Uint8Array;
  try {
    const sealed = await codec.seal({
      kind: message.kind,
      to: dispatchId,
      body: body.value,
      stream: message.body.caseId,
      sequence,
      expiresAt,
    });
    bytes = sealed.bytes;
  } catch {
    // No valid key for the centre in the pinned directory: it cannot be sealed, so it is not sent.
    return err(feedError(FEED_ERRORS.permanent.unknownRecipient));
  }
  const sent = await link.publish(topics.dispatchInbox(dispatchId), bytes);
  return sent.ok ? ok(undefined) : err(feedError(FEED_ERRORS.transient.notSent));
};
