import { join } from 'node:path';
import type { HospitalConfig } from '../../config/index.js';
import { systemTimers, type EnvelopeCodec, type Receiver, type Timers } from '../../hospital-feed/index.js';
import type { RoleContext } from '../runtime.js';
import { alertKey, type AlertDesk } from '../triage/index.js';
import { HospitalInquiries, type IncomingInquiry } from './inquiries.js';
import { INQUIRIES_FILE, SqliteInquiryStore } from './inquiry-store.js';
import { InquiryRequests, StatusForm } from './panels.js';
import { hospitalDispatchRoutes } from './routes.js';
import { StatusPublisher } from './status.js';

/**
 * The hospital's part in dispatch: its signed, retained status (edited on the board's `status`
 * panel) and the acceptance inquiries it answers (`inquiry-requests` panel).
 */
export const mountHospitalDispatch = async (
  config: HospitalConfig,
  ctx: RoleContext,
  receiver: Receiver,
  codec: EnvelopeCodec,
  alerts: AlertDesk,
  timers: Timers = systemTimers,
): Promise<{ status: StatusPublisher; inquiries: HospitalInquiries }> => {
  const logger = ctx.logger.child({ part: 'dispatch' });
  const status = await StatusPublisher.open({
    hospitalId: config.id,
    dataDir: config.dataDir,
    identity: ctx.crypto.identity,
    link: ctx.link,
    clock: ctx.clock,
    logger,
  });
  // Like the inbox: a data directory the role cannot write stops the start with the reason.
  const store = SqliteInquiryStore.open(join(config.dataDir, INQUIRIES_FILE));
  if (!store.ok) throw new Error(`hospital inquiries: ${store.error}`);
  ctx.onStop(() => store.value.close());
  const inquiries = new HospitalInquiries({
    hospitalId: config.id,
    codec,
    link: ctx.link,
    directory: ctx.crypto.directory,
    clock: ctx.clock,
    logger,
    store: store.value,
  });
  receiver.on('dispatch', (incoming) => inquiries.receive(incoming));
  inquiries.on('changed', () => ctx.gateway.live.refresh('inquiry-requests'));
  const alert = (q: IncomingInquiry): void =>
    void alerts.raise(
      'inquiry',
      { kind: 'inquiry', inquiryId: q.message.inquiryId },
      { deadline: q.message.answerBy, raisedAt: q.receivedAt },
    );
  // Each inquiry alerts the board (banner, sound, its count-down) until acknowledged or answered; at
  // its deadline the alert ends with it (alerts.ts, `expired`).
  inquiries.on('received', alert);
  // The deadline passes without an event from dispatch. While the inquiry alerts, the desk's timer
  // wakes there (alerts.ts); once someone acknowledged it, nothing would: each inquiry has its own
  // wake at its deadline, so every open board shows it closed ("deadline passed", no answer buttons)
  // when the gateway starts refusing answers, not at the next unrelated redraw.
  alerts.on('changed', () => ctx.gateway.live.refresh('inquiry-requests'));
  const deadlines = new Map<string, unknown>();
  const forget = (inquiryId: string): void => {
    timers.clearTimeout(deadlines.get(inquiryId));
    deadlines.delete(inquiryId);
  };
  const wakeAtDeadline = (q: IncomingInquiry): void => {
    const id = q.message.inquiryId;
    const wake = (): void => {
      deadlines.delete(id);
      ctx.gateway.live.refresh('inquiry-requests');
    };
    deadlines.set(id, timers.setTimeout(wake, Math.max(0, q.message.answerBy - ctx.clock.now())));
  };
  inquiries.on('received', wakeAtDeadline);
  // After a restart: the open inquiries the store kept wake at their deadlines again; the alerts'
  // own store kept theirs (acknowledged stays acknowledged), and one it never stored (the role
  // stopped between the two commits) alerts from the inquiry's arrival.
  for (const q of inquiries.list()) {
    if (!inquiries.answerable(q)) continue;
    wakeAtDeadline(q);
    const subject = { kind: 'inquiry', inquiryId: q.message.inquiryId } as const;
    if (q.answer === undefined && alerts.get(alertKey('inquiry', subject)) === undefined) alert(q);
  }
  inquiries.on('closed', (q) => forget(q.message.inquiryId));
  ctx.onStop(() => [...deadlines.keys()].forEach(forget));
  inquiries.on('closed', (q) =>
    alerts.endFor({ kind: 'inquiry', inquiryId: q.message.inquiryId }, { kind: 'closed' }),
  );
  ctx.gateway.panels.set('status', (p) => (
    <StatusForm ctx={p} status={status.current} published={status.published} />
  ));
  ctx.gateway.panels.set('inquiry-requests', (p) => {
    const list = inquiries.list();
    return list.length === 0 ? undefined : (
      <InquiryRequests ctx={p} inquiries={list.map((q) => ({ q, answerable: inquiries.answerable(q) }))} />
    );
  });
  hospitalDispatchRoutes(ctx.gateway, status, inquiries, alerts);
  return { status, inquiries };
};
