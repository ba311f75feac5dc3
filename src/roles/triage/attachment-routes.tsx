import * as v from 'valibot';
import { PrincipalId } from '../../config/index.js';
import { ApiFailure, type Gateway } from '../../gateway/index.js';
import type { Receiver } from '../../hospital-feed/index.js';
import { ATTACHMENTS_PANEL, AttachmentsBody } from './attachments-section.js';
import { whyFor } from './routes.js';

/** Every path id is opaque: the unit's principal id, the report's and the attachment's random ids. */
const AttachmentParams = v.object({
  unitId: PrincipalId,
  reportId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/)),
  attachmentId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/)),
});

const ReportParams = v.object({
  unitId: AttachmentParams.entries.unitId,
  reportId: AttachmentParams.entries.reportId,
});

/**
 * A report's attachments for the triage desk only (issue 16). The list, as the fragment the report
 * page's live section refetches whenever an attachment completes (the `attachment` event names no
 * report, so every open report page asks for its own; the read is audited when what the person is
 * shown changes, not at every refetch). One verified attachment: audited as a read of the report,
 * answered `no-store` (the gateway's security headers) with `nosniff`, an image inline, a PDF as a
 * download (it is not rewritten on the tablet, so it does not open inside our origin).
 */
export const attachmentRoutes = ({ gateway, receiver }: { gateway: Gateway; receiver: Receiver }): void => {
  receiver.on('attachment', () => gateway.live.refresh(ATTACHMENTS_PANEL));
  /** The attachments a user was last shown, per report. */
  const shown = new Map<string, string>();

  gateway.routes.add({
    method: 'get',
    path: '/triage/reports/:unitId/:reportId/attachments',
    summary: 'The report’s attachment list as an HTML fragment (what the live script refetches)',
    access: { kind: 'roles', roles: ['triage'] },
    params: ReportParams,
    response: { kind: 'html' },
    handler: (c, { params }) => {
      const session = c.get('session');
      if (session === undefined) throw new ApiFailure('unauthenticated');
      const r = receiver.all().find((x) => x.unitId === params.unitId && x.reportId === params.reportId);
      if (r?.body === undefined) throw new ApiFailure('not-found');
      const attachments = receiver.attachments(r.unitId, r.reportId);
      const key = `${session.userId}\n${r.unitId}\n${r.reportId}`;
      const ids = attachments.map((a) => `${a.attachmentId}:${a.status}`).join(',');
      if (shown.get(key) !== ids) {
        shown.set(key, ids);
        gateway.recordAccess(c, 'read', { kind: 'report', id: r.reportId }, whyFor(r));
      }
      return c.html(<AttachmentsBody r={r} attachments={attachments} locale={c.get('locale')} />);
    },
  });

  gateway.routes.add({
    method: 'get',
    path: '/triage/reports/:unitId/:reportId/attachments/:attachmentId',
    summary: "A report's photo or PDF (audited read; image inline, PDF as a download)",
    access: { kind: 'roles', roles: ['triage'] },
    params: AttachmentParams,
    response: { kind: 'file' },
    handler: (c, { params }) => {
      const r = receiver.all().find((x) => x.unitId === params.unitId && x.reportId === params.reportId);
      const found = receiver.attachment(params.unitId, params.reportId, params.attachmentId);
      if (r?.body === undefined || found === undefined) throw new ApiFailure('not-found');
      gateway.recordAccess(c, 'read', { kind: 'report', id: params.reportId }, whyFor(r));
      const pdf = found.attachment.mediaType === 'application/pdf';
      return c.body(Buffer.from(found.data), 200, {
        'content-type': found.attachment.mediaType,
        'content-length': String(found.data.byteLength),
        'content-disposition': pdf
          ? `attachment; filename="attachment-${params.attachmentId}.pdf"`
          : 'inline',
      });
    },
  });
};
