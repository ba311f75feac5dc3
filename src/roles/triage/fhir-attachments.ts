import { createHash } from 'node:crypto';
import type { StoredAttachment } from '../../hospital-feed/index.js';

type Json = Record<string, unknown>;

/** A complete attachment with its bytes, as the export carries it. */
export interface ExportedAttachment {
  readonly attachment: StoredAttachment;
  readonly data: Uint8Array;
}

/** The crew's category as text (FHIR has no code system for "ECG print-out photo"; the words are ours). */
const CATEGORY_TEXT: Readonly<Record<StoredAttachment['category'], string>> = {
  scene: 'Scene photo',
  injury: 'Injury / wound photo',
  ecg: '12-lead ECG (photo of the print-out)',
  medication: 'Medication / medication boxes',
  'medication-notebook': 'Medication notebook (お薬手帳)',
  document: 'Document',
  other: 'Other',
};

/**
 * The report's verified attachments as FHIR R4 resources, data inline (Attachment.data, base64):
 * a photo is a Media (type `image` from the media-type code system), a PDF a DocumentReference
 * (content.attachment). Attachment.hash is the SHA-1 of the data (R4 Attachment.hash is SHA-1 by
 * definition); the wire's own SHA-256 digest is kept as Media.identifier / DocumentReference
 * masterIdentifier under our system, so the export names the exact bytes the crew attached.
 * Refused attachments are not exported: they did not verify.
 */
export const attachmentEntries = (
  attachments: readonly ExportedAttachment[],
  patient: Json,
  encounter: Json,
): { readonly key: string; readonly resource: Json }[] =>
  attachments
    .filter((a) => a.attachment.status === 'complete')
    .map(({ attachment: a, data }) => {
      const content = {
        contentType: a.mediaType,
        data: Buffer.from(data).toString('base64'),
        size: data.byteLength,
        hash: createHash('sha1').update(data).digest('base64'),
        title: CATEGORY_TEXT[a.category],
        creation: a.addedAt,
      };
      const identifier = { system: 'urn:ems-gateway:attachment-digest:sha256', value: a.digest };
      const key = `attachment/${a.attachmentId}`;
      switch (a.mediaType) {
        case 'image/jpeg':
          return {
            key,
            resource: {
              resourceType: 'Media',
              identifier: [identifier],
              status: 'completed',
              type: {
                coding: [
                  {
                    system: 'http://terminology.hl7.org/CodeSystem/media-type',
                    code: 'image',
                    display: 'Image',
                  },
                ],
              },
              subject: patient,
              encounter,
              createdDateTime: a.addedAt,
              content,
              note: [{ text: CATEGORY_TEXT[a.category] }],
            },
          };
        case 'application/pdf':
          return {
            key,
            resource: {
              resourceType: 'DocumentReference',
              masterIdentifier: identifier,
              status: 'current',
              type: { text: CATEGORY_TEXT[a.category] },
              subject: patient,
              date: a.addedAt,
              content: [{ attachment: content }],
              context: { encounter: [encounter] },
            },
          };
        default:
          return a.mediaType satisfies never;
      }
    });
