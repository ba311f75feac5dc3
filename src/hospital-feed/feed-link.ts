import type { LinkFailure, MessageHandler } from './link.js';
import type { PublishLink } from './outbox.js';
import type { Logger } from '../log/index.js';
import type { Result } from '../core/index.js';

/** Everything the feed needs from the broker link; BrokerLink implements it. */
export interface FeedLink extends PublishLink {
  subscribe(topic: string): Promise<Result<void, LinkFailure>>;
  onMessage(handler: MessageHandler): void;
}

/** Subscribes to a side's own inbox and its peers' presence (the link renews them on every reconnect). */
export const subscribeAll = async (
  link: FeedLink,
  logger: Logger,
  topics: readonly string[],
): Promise<void> => {
  for (const topic of topics) {
    const subscribed = await link.subscribe(topic);
    // Before the link connects the subscription is only recorded; it is made on every connect.
    if (!subscribed.ok && subscribed.error === 'refused')
      logger.warn('feed subscription refused', { code: subscribed.error });
  }
};
