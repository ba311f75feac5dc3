import * as v from 'valibot';
import { ApiFailure, type Gateway } from '../../gateway/index.js';
import type { AmbulanceFeed } from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { contentOf, feedFailure, SendForm } from '../thread-form.js';
import { Conversation } from '../thread-view.js';
import { threadText } from '../thread-text.js';
import { back, CREW } from './crew-forms.js';

const ReportParams = v.object({ reportId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/)) });
const ReadForm = v.object({ _csrf: v.string() });

/** Messages carry no consent record of their own: the emergency basis, with a fixed reason code. */
const WHY = { purpose: 'emergency-exception', reason: 'pre-arrival-message' } as const;

const formId = (reportId: string): string => `thread:${reportId}`;

/**
 * The tablet's messages panel (issue 16, item 2): the conversation with the ER of each open report of
 * the shift, newest report first, with the hospital's directory name. Redrawn on every change by the
 * live stream (the event names the panel, never the message).
 */
export const mountMessages = (deps: {
  readonly gateway: Gateway;
  readonly feed: AmbulanceFeed;
  readonly hospitalName: (id: string) => string;
  readonly logger: Logger;
}): void => {
  const { gateway, feed, logger } = deps;
  feed.on('thread', () => gateway.live.refresh('messages'));
  feed.on('report', () => gateway.live.refresh('messages'));
  gateway.panels.set('messages', (p) => {
    const open = feed
      .reports()
      .filter((r) => !['cancelled', 'expired', 'handed-over'].includes(r.state))
      .sort((a, b) => b.updatedAt - a.updatedAt);
    if (open.length === 0) return undefined;
    const w = threadText(p.locale);
    return (
      <>
        {open.map((r) => (
          <section class="conversation-report" data-thread={r.reportId} aria-label={w('thread.title')}>
            <h3>
              {deps.hospitalName(r.hospitalId)} · {r.reportId.slice(0, 8)}
            </h3>
            <Conversation
              side="unit"
              entries={feed.threads.thread(r.reportId)}
              base={`/tablet/threads/${r.reportId}`}
              formId={formId(r.reportId)}
              csrf={p.csrf}
              locale={p.locale}
              state={p.form?.(formId(r.reportId))}
              closed={false}
            />
          </section>
        ))}
      </>
    );
  });

  const known = (reportId: string): void => {
    if (feed.report(reportId) === undefined) throw new ApiFailure('not-found');
  };

  gateway.routes.add({
    method: 'post',
    path: '/tablet/threads/:reportId/send',
    summary:
      'A quick reply or a short text to the ER of the report’s destination (signed, sealed, via the outbox)',
    access: CREW,
    params: ReportParams,
    body: { kind: 'form', schema: SendForm },
    redirectOnInvalid: '/',
    response: { kind: 'redirect' },
    handler: async (c, { params, body }) => {
      known(params.reportId);
      const content = contentOf(body);
      if (content === undefined) return gateway.refuseForm(c, { text: 'required' });
      // Answering is reading: what the ER wrote is on screen under the form.
      const read = await feed.threads.markRead(params.reportId);
      if (!read.ok) throw feedFailure(read.error, logger, 'message not stored');
      const sent = await feed.threads.send(params.reportId, content);
      if (!sent.ok) throw feedFailure(sent.error, logger, 'message not stored');
      // Who, which report and that it was a message: never what it said.
      gateway.recordAccess(c, 'create', { kind: 'report', id: params.reportId }, WHY);
      await gateway.formDone(c);
      return back(c);
    },
  });

  gateway.routes.add({
    method: 'post',
    path: '/tablet/threads/:reportId/read',
    summary: 'The crew has seen the ER’s messages on this report: the read receipt',
    access: CREW,
    params: ReportParams,
    body: { kind: 'form', schema: ReadForm },
    response: { kind: 'redirect' },
    handler: async (c, { params }) => {
      known(params.reportId);
      const read = await feed.threads.markRead(params.reportId);
      if (!read.ok) throw feedFailure(read.error, logger, 'message not stored');
      if (read.value > 0) gateway.recordAccess(c, 'read', { kind: 'report', id: params.reportId }, WHY);
      return back(c);
    },
  });
};
