export { mountHospitalDispatch } from './mount.js';
export { STATUS_FILE, closedStatus, writeStatusFile, StatusPublisher } from './status.js';
export { HospitalInquiries, type IncomingInquiry, type HospitalAnswer } from './inquiries.js';
export { INQUIRIES_FILE, SqliteInquiryStore, type InquiryRetention } from './inquiry-store.js';
