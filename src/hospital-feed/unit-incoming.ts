import type { EnvelopeCodec } from './codec.js';
import type { StorageFailure } from './errors.js';
import {
  MIN_RETENTION_MS,
  openIncomingOrDispatch,
  type DispatchIncoming,
  type ReceivingPort,
} from './incoming.js';
import type { OutboxChange, OutboxStore } from './outbox-store.js';
import { answerEvent, onHospital, type HospitalEvent } from './report-state.js';
import type { UnitAcks } from './unit-acks.js';
import type { UnitReports } from './unit-reports.js';
import type { ThreadChange, UnitThreads } from './unit-threads.js';

/** What the unit's inbox needs from the ambulance feed. */
export interface UnitIncomingPort extends ReceivingPort, StorageFailure {
  readonly codec: EnvelopeCodec;
  readonly store: OutboxStore;
  readonly reports: UnitReports;
  readonly threads: Pick<UnitThreads, 'incoming'>;
  readonly acks: UnitAcks;
  /** An assignment from a dispatch centre, opened and verified. */
  dispatch(incoming: DispatchIncoming): void;
  /** A report's conversation changed, or an outcome came. */
  threadChanged(reportId: string): void;
}

/**
 * The unit's inbox: every envelope is opened once and routed by kind. The hospital's receipts end
 * what the outbox sent; its viewed, answers, handover, messages and outcomes move the report they
 * are about, applied once (stored with their message id) and acknowledged; an assignment goes to
 * the tablet.
 */
export const receiveAtUnit = async (p: UnitIncomingPort, payload: Uint8Array): Promise<void> => {
  // The codec's replay check and everything after it read the outbox database, closed by stop().
  if (p.stopped()) return;
  const opened = await openIncomingOrDispatch(
    p.codec,
    payload,
    ['ack', 'answer', 'handover', 'message', 'message-read', 'outcome'],
    ['assignment'],
  );
  if (p.stopped()) return;
  if (!opened.ok) {
    if (opened.error.reason === 'replayed' && opened.error.messageId !== undefined)
      if (p.acks.redelivered(opened.error.messageId)) return;
    p.refuse(opened.error.reason);
    return;
  }
  if ('dispatch' in opened.value) {
    // An assignment changes no stored state and taking it twice is harmless (the tablet keeps the
    // newest), so the outbox's applied ids need not cover it.
    p.counters.received(opened.value.dispatch.kind);
    p.dispatch(opened.value);
    return;
  }
  const { envelope, message } = opened.value;
  // Receipts name envelopes, each checked against the hospital it went to; they apply nothing else.
  if (message.kind === 'ack' && message.body.stage === 'received') {
    if (p.acks.received(envelope.from, message.body.of)) p.counters.received(message.kind);
    else p.counters.rejected('unknown-report');
    return;
  }
  const r = p.reports.get(message.body.reportId);
  // Only the hospital the report went to may move it.
  if (r === undefined || r.hospitalId !== envelope.from) {
    p.counters.rejected('unknown-report');
    return;
  }
  // A second copy that passed the codec while the first was being opened: already applied.
  if (p.acks.redelivered(envelope.messageId)) return;
  p.counters.received(message.kind);
  const now = p.clock.now();
  let event: HospitalEvent | undefined;
  let extra: ThreadChange & Pick<OutboxChange, 'dropThreads'> = {};
  switch (message.kind) {
    case 'ack':
      event = { type: 'ack', stage: 'viewed' };
      break;
    case 'message':
    case 'message-read':
    case 'outcome':
      extra = p.threads.incoming(r, message, now);
      break;
    case 'answer':
      event = answerEvent(message.body, envelope.sequence);
      break;
    case 'handover':
      event = { type: 'handover' };
      extra = { dropThreads: [{ peer: r.hospitalId, reportId: r.reportId }] };
      break;
    case 'report':
    case 'update':
    case 'cancel':
      return;
    default:
      return message satisfies never;
  }
  // The hospital sends these through its own outbox: store, then acknowledge, so it stops sending.
  // The message id is the replay check (the codec asks the store) and is recorded in the same
  // commit as the state change: a crash leaves neither, so the hospital's resend is applied.
  const next = { ...(event === undefined ? r : onHospital(r, event, now)), sequence: r.sequence + 1 };
  const written = p.store.write({
    ...extra,
    reports: [next],
    applied: [{ messageId: envelope.messageId, reportId: r.reportId, from: envelope.from, receivedAt: now }],
    forgetAppliedBefore: now - MIN_RETENTION_MS,
  });
  if (!written.ok) {
    p.failed(written.error);
    return;
  }
  p.reports.record(next);
  if (event === undefined || event.type === 'handover') p.threadChanged(r.reportId);
  // Not awaited: mqtt.js reads no further packets (our PUBACK included) until this handler returns.
  void p.acks.acknowledge(next, envelope.messageId);
};
