import type { LinkFailure, MessageHandler } from './link.js';
import type { PublishLink } from './outbox.js';
import type { Result } from '../core/index.js';

/** Everything the feed needs from the broker link; BrokerLink implements it. */
export interface FeedLink extends PublishLink {
  subscribe(topic: string): Promise<Result<void, LinkFailure>>;
  onMessage(handler: MessageHandler): void;
}
