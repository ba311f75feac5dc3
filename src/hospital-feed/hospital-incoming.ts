import { receiveChunk, type ChunkPort } from './attachment-receiving.js';
import type { EnvelopeCodec, OpenedEnvelope } from './codec.js';
import type { HospitalAcks } from './hospital-acks.js';
import type { SqliteInboxStore } from './inbox-sqlite.js';
import { boardEvent, senderRefusal, type BoardEvent } from './inbox-state.js';
import { openIncomingOrDispatch, type DispatchIncoming } from './incoming.js';
import type { FeedMessage } from './messages.js';

/** What the hospital's inbox needs from the receiver. */
export interface HospitalIncomingPort extends ChunkPort {
  readonly codec: EnvelopeCodec;
  readonly inbox: Pick<SqliteInboxStore, 'receive' | 'receiveThread' | 'receiveChunk'>;
  readonly acks: HospitalAcks;
  /** For the triage board: each report is `report-new` exactly once. */
  board(event: BoardEvent): void;
  /** Inquiries, withdrawals and confirmations from a dispatch centre, opened and verified. */
  dispatch(incoming: DispatchIncoming): void;
  /** A report's conversation changed. */
  threadChanged(unitId: string, reportId: string): void;
}

/**
 * The hospital's inbox: every envelope is opened and verified once, then routed by kind. Reports,
 * updates and cancels are stored (de-duplicated by message id, applied in sequence order) before
 * they are acknowledged and shown; the crew's messages go to the conversation, attachment chunks to
 * their assembly, the unit's receipts to the reply outbox, a dispatch centre's messages to the desk.
 */
export const receiveAtHospital = async (p: HospitalIncomingPort, payload: Uint8Array): Promise<void> => {
  if (p.stopped()) return;
  const opened = await openIncomingOrDispatch(
    p.codec,
    payload,
    ['report', 'update', 'cancel', 'ack', 'message', 'message-read'],
    ['inquiry', 'withdrawal', 'confirmation'],
    true,
  );
  if (!opened.ok) {
    const replayOf = opened.error.reason === 'replayed' ? opened.error.messageId : undefined;
    if (replayOf !== undefined && (await p.acks.replayed(replayOf))) return;
    p.refuse(opened.error.reason);
    return;
  }
  if ('dispatch' in opened.value) {
    p.counters.received(opened.value.dispatch.kind);
    p.dispatch(opened.value);
    return;
  }
  if ('chunk' in opened.value) return receiveChunk(p, opened.value);
  const { envelope, message } = opened.value;
  switch (message.kind) {
    case 'ack':
      if (message.body.stage !== 'received') return;
      p.acks.received(envelope.from, message.body.of);
      p.counters.received('ack');
      return;
    case 'message':
    case 'message-read':
      return onThread(p, envelope, message);
    case 'report':
    case 'update':
    case 'cancel':
      return onReport(p, envelope, message);
    case 'answer':
    case 'handover':
    case 'outcome':
      return;
    default:
      return message satisfies never;
  }
};

/** A report, update or cancel: stored, acknowledged, then shown on the board (if it shows). */
const onReport = async (
  p: HospitalIncomingPort,
  envelope: OpenedEnvelope,
  message: Extract<FeedMessage, { kind: 'report' | 'update' | 'cancel' }>,
): Promise<void> => {
  const refused = senderRefusal(envelope, message);
  if (refused !== undefined) return p.refuse(refused);
  const now = p.clock.now();
  const receipt = await p.store(
    () =>
      p.inbox.receive({
        messageId: envelope.messageId,
        unitId: envelope.from,
        unitName: envelope.fromName,
        sequence: envelope.sequence,
        message,
        now,
      }),
    'incoming report not stored',
  );
  if (receipt === undefined) return;
  if (receipt.duplicate) p.counters.duplicate();
  else p.counters.received(message.kind);
  // Signed after this turn of the event loop, so the board does not wait for it.
  p.acks.acknowledge(envelope.from, message.body.reportId, envelope.messageId, receipt.ackSequence);
  const event = boardEvent(receipt);
  if (event !== undefined) p.board(event);
};

/** A message or read receipt from the crew: only from the unit that sent the report, about it. */
const onThread = async (
  p: HospitalIncomingPort,
  envelope: OpenedEnvelope,
  message: Extract<FeedMessage, { kind: 'message' | 'message-read' }>,
): Promise<void> => {
  if (envelope.fromRole !== 'ambulance') return p.refuse('wrong-role');
  const now = p.clock.now();
  const receipt = await p.store(() =>
    p.inbox.receiveThread({
      messageId: envelope.messageId,
      unitId: envelope.from,
      sequence: envelope.sequence,
      message,
      now,
    }),
  );
  if (receipt === undefined) return;
  if (receipt.outcome === 'unknown-report') return p.refuse('unknown-report');
  if (receipt.outcome === 'duplicate') p.counters.duplicate();
  else {
    p.counters.received(message.kind);
    p.threadChanged(envelope.from, message.body.reportId);
  }
  p.acks.acknowledge(envelope.from, message.body.reportId, envelope.messageId, receipt.ackSequence);
};
