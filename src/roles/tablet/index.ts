export { mountTablet, attachmentBounds, type TabletParts } from './mount.js';
export { ATTACHMENT_UPLOAD_PATH } from './attachments-panel.js';
export { prepareAttachment, type AttachmentBounds, type Prepared } from './attachment-prepare.js';
export { stripJpegMetadata, JPEG_ERRORS, type JpegError } from './jpeg-strip.js';
export { decodeBounded, DECODE_FACTOR, measureBounded, PIXEL_FACTOR } from './pdf-decode.js';
export { TabletAttachments, type AttachmentRow, type AttachError } from './attachments.js';
export { CardSessionService, type CardSessionOptions } from './session.js';
export type { ActionResult } from './patient-roster.js';
export { recordsIdentity } from './records-request.js';
export {
  reduce,
  newSession,
  mayIdentify,
  mayFetch,
  pinAllowed,
  NOTICES,
  type CardSession,
  type Phase,
  type Notice,
} from './state.js';
export { deviceSigner, envelopeResponseOpener, cacheSummaryStore } from './records-ports.js';
export { reportInput, vitalsOf, ReportForm, newFormKey } from './report-form.js';
export { ShiftReports, shiftRows, shortId, type ShiftReportRow } from './shift-reports.js';
export { reportSummary } from './report-summary.js';
export type { DemoCards } from './routes.js';
export type { DemoTecho } from './qr-routes.js';
export type { DemoHolder } from './card-panel.js';
export type { DemoNamesake } from './lookup-panel.js';
export { UnitAssignment, type AssignedCase, type UnitAssignmentOptions } from './assignment.js';
