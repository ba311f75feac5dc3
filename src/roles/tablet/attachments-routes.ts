import * as v from 'valibot';
import type { Gateway } from '../../gateway/index.js';
import { ATTACHMENT_CATEGORIES } from '../../hospital-feed/index.js';
import { ATTACHMENT_UPLOAD_PATH } from './attachments-panel.js';
import type { TabletAttachments } from './attachments.js';
import { crewForm } from './crew-forms.js';
import { TapId } from './report-form.js';
import { patientSubject, sessionAccess } from './routes.js';
import type { CardSessionService } from './session.js';

/** A file from a multipart form (hono gives a File for a file field, a string for anything else). */
const Upload = v.instance(File);
const AttachForm = v.object({
  _csrf: v.string(),
  _form: v.optional(v.string()),
  tap: TapId,
  category: v.picklist(ATTACHMENT_CATEGORIES),
  file: Upload,
});

/**
 * The tablet's attachment upload (issue 16): the photo or file goes to the patient on screen only
 * (the form names its tap, as every tablet form does), is re-encoded and stripped in memory, and
 * joins the patient's open report. The bytes uploaded are wiped once prepared.
 */
export const attachmentRoutes = (o: {
  readonly gateway: Gateway;
  readonly session: CardSessionService;
  readonly attachments: TabletAttachments;
}): void => {
  crewForm(o.gateway, {
    path: ATTACHMENT_UPLOAD_PATH,
    summary: 'Attach a photo (camera) or an image/PDF file to the patient on screen; sent after its report',
    schema: AttachForm,
    handle: async (body, c) => {
      const s = o.session.current;
      if (s?.tap !== body.tap) {
        o.session.note('stale');
        return undefined;
      }
      const bytes = new Uint8Array(await body.file.arrayBuffer());
      const added = await o.attachments.add(s, bytes, body.category);
      bytes.fill(0);
      // Refused (the panel's banner says why: not an image or PDF, encrypted, unreadable, too
      // large...): the form keeps what was chosen in it, so the crew picks another file only.
      if (!added.ok) return o.gateway.refuseForm(c, {});
      await o.gateway.formDone(c);
      o.gateway.recordAccess(c, 'update', patientSubject(s), {
        ...sessionAccess(s, s.consent),
        reason: 'attachment',
      });
      return undefined;
    },
  });
};
