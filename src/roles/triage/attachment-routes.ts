import * as v from 'valibot';
import { PrincipalId } from '../../config/index.js';
import { ApiFailure, type Gateway } from '../../gateway/index.js';
import type { Receiver } from '../../hospital-feed/index.js';
import { whyFor } from './routes.js';

/** Every path id is opaque: the unit's principal id, the report's and the attachment's random ids. */
const AttachmentParams = v.object({
  unitId: PrincipalId,
  reportId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/)),
  attachmentId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{8,64}$/)),
});

/**
 * One verified attachment of a report, for the triage desk only (issue 16): audited as a read of the
 * report, answered `no-store` (the gateway's security headers) with `nosniff`, an image inline, a
 * PDF as a download (it is not rewritten on the tablet, so it does not open inside our origin).
 */
export const attachmentRoutes = ({ gateway, receiver }: { gateway: Gateway; receiver: Receiver }): void => {
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
