import { ATTACHMENT_KIND } from './attachment-wire.js';
import type { HospitalAcks } from './hospital-acks.js';
import type { StoredAttachment } from './inbox-attachments.js';
import type { StoreIncoming } from './inbox-commit.js';
import type { SqliteInboxStore } from './inbox-sqlite.js';
import type { ChunkIncoming, ReceivingPort } from './incoming.js';

/** What receiving an attachment's chunks needs from the receiver. */
export interface ChunkPort extends ReceivingPort {
  readonly inbox: Pick<SqliteInboxStore, 'receiveChunk'>;
  readonly store: StoreIncoming;
  readonly acks: Pick<HospitalAcks, 'acknowledge'>;
  /** An attachment's last chunk arrived: complete and verified, or refused. */
  settled(attachment: StoredAttachment): void;
}

/**
 * One chunk of an attachment: only an ambulance sends them (its directory role), stored with its
 * message id before it is acknowledged; the last chunk assembles and verifies the whole (the inbox
 * does, docs/protocol.md, "Attachments").
 */
export const receiveChunk = async (p: ChunkPort, { envelope, chunk }: ChunkIncoming): Promise<void> => {
  if (envelope.fromRole !== 'ambulance') return p.refuse('wrong-role');
  const now = p.clock.now();
  const receipt = await p.store(
    () => p.inbox.receiveChunk({ messageId: envelope.messageId, unitId: envelope.from, chunk, now }),
    'incoming attachment chunk not stored',
  );
  if (receipt === undefined) return;
  if (receipt.duplicate) p.counters.duplicate();
  else p.counters.received(ATTACHMENT_KIND);
  // Acknowledged also when refused: resending the same chunks cannot make them verify.
  p.acks.acknowledge(envelope.from, chunk.header.reportId, envelope.messageId, receipt.ackSequence);
  const outcome = receipt.outcome;
  switch (outcome.kind) {
    case 'refused':
      p.refuse('attachment-mismatch');
      p.settled(outcome.attachment);
      return;
    case 'complete':
      p.settled(outcome.attachment);
      return;
    case 'stored':
    case 'settled':
      return;
    default:
      return outcome satisfies never;
  }
};
