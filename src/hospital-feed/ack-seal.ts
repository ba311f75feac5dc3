import type { Clock } from '../core/index.js';
import type { Logger } from '../log/index.js';
import type { EnvelopeCodec, SealedEnvelope } from './codec.js';
import { encodeBody } from './messages.js';
import type { PublishLink } from './outbox.js';

/** What signing and sending acknowledgements needs, on either side. */
export interface AckSender {
  readonly codec: EnvelopeCodec;
  readonly link: Pick<PublishLink, 'publish'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** One signed `ack received`: the envelopes it names, on the stream of the report it is about. */
export interface ReceivedAck {
  readonly to: string;
  readonly reportId: string;
  readonly of: readonly string[];
  readonly sequence: number;
  readonly expiresAt: number;
}

/**
 * Seals an `ack received`, the same way on both sides of the feed; `undefined` when it cannot be.
 * An unknown recipient key (the directory changed since it was opened) rejects: a crash would
 * lose the process for an acknowledgement the sender asks for again anyway.
 */
export const sealReceivedAck = async (
  { codec, logger }: AckSender,
  ack: ReceivedAck,
): Promise<SealedEnvelope | undefined> => {
  const body = encodeBody({
    kind: 'ack',
    body: { reportId: ack.reportId, of: [...ack.of], stage: 'received' },
  });
  if (!body.ok) return undefined;
  const sealed = await codec
    .seal({
      kind: 'ack',
      to: ack.to,
      body: body.value,
      stream: ack.reportId,
      sequence: ack.sequence,
      expiresAt: ack.expiresAt,
    })
    .catch(() => undefined);
  if (sealed === undefined) logger.warn('acknowledgement not sealed: no valid key for its recipient');
  return sealed;
};
