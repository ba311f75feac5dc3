import * as v from 'valibot';
import { ApiFailure } from '../gateway/index.js';
import {
  MAX_MESSAGE_CHARS,
  QUICK_REPLIES,
  type FeedError,
  type ThreadContent,
} from '../hospital-feed/index.js';
import type { Logger } from '../log/index.js';

/**
 * What both ends of a conversation (the crew's messages panel, the ER's report page) accept from a
 * person, and how the feed's refusals reach them: one rule on both sides (issue 16, item 2).
 */

/** A quick reply (its button) or a short text; the text's bound is the wire's. */
export const SendForm = v.object({
  _csrf: v.string(),
  quick: v.optional(v.picklist(QUICK_REPLIES)),
  text: v.optional(v.pipe(v.string(), v.maxLength(MAX_MESSAGE_CHARS))),
});

/** The content a send form asks for, or the field to flag: a quick reply wins, else the text trimmed. */
export const contentOf = (body: v.InferOutput<typeof SendForm>): ThreadContent | undefined => {
  if (body.quick !== undefined) return { type: 'quick', quick: body.quick };
  const text = body.text?.trim() ?? '';
  return text === '' ? undefined : { type: 'text', text };
};

/**
 * A feed refusal at the HTTP edge. Storage and link trouble is logged for an operator under `logAs`
 * (a fixed message, the code only) and answered as ours, never shown to a nurse or crew with input.
 */
export const feedFailure = (error: FeedError, logger: Logger, logAs: string): ApiFailure => {
  switch (error.code) {
    case 'unknown-report':
      return new ApiFailure('not-found');
    case 'report-closed':
      return new ApiFailure('conflict');
    case 'invalid-body':
      return new ApiFailure('invalid-input');
    case 'storage-full':
    case 'storage-read-only':
    case 'storage-failed':
    case 'not-sent':
    case 'publish-timeout':
    case 'already-expired':
    case 'unknown-recipient':
      logger.error(logAs, { code: error.code });
      return new ApiFailure('internal');
    default:
      return error.code satisfies never;
  }
};
