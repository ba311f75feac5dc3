import type { FC } from 'hono/jsx';
import { formatJst, Tag, type Locale } from '../../gateway/index.js';
import type { BoardReport, StoredAttachment } from '../../hospital-feed/index.js';
import { attachWords, categoryKey } from '../attachment-words.js';
import { reportPath } from './board.js';

/**
 * Where one attachment is served: the report's path and the attachment's opaque id, never patient
 * data; the route is the triage role's only, audited, and answered `no-store` like every screen.
 */
export const attachmentPath = (r: Pick<BoardReport, 'unitId' | 'reportId'>, attachmentId: string): string =>
  `${reportPath(r)}/attachments/${attachmentId}`;

/** The live section's id: the `panel` event the desk sends when an attachment of any report arrives. */
export const ATTACHMENTS_PANEL = 'report-attachments';

/** Where the live script refetches a report's attachment list (an HTML fragment, audited). */
export const attachmentsPath = (r: Pick<BoardReport, 'unitId' | 'reportId'>): string =>
  `${reportPath(r)}/attachments`;

export interface AttachmentsProps {
  readonly r: Pick<BoardReport, 'unitId' | 'reportId'>;
  readonly attachments: readonly StoredAttachment[];
  readonly locale: Locale;
}

/**
 * The report's photos and PDFs at the triage desk (issue 16): each photo shown in the page (an ECG
 * read at its width, so it opens full size on its own), each PDF as a download, with what the crew
 * said it shows and when it was added. An attachment that did not verify is listed as refused, and
 * never shown.
 */
export const AttachmentsBody: FC<AttachmentsProps> = ({ r, attachments, locale }) => {
  const w = attachWords(locale);
  return attachments.length === 0 ? (
    <p data-attachments-none>{w('desk.none')}</p>
  ) : (
    <ul class="attachment-list">
      {attachments.map((a) => {
        const label = `${w(categoryKey(a.category))} · ${formatJst(Date.parse(a.addedAt))} ${w('desk.added')}`;
        const href = attachmentPath(r, a.attachmentId);
        if (a.status === 'refused')
          return (
            <li data-attachment={a.attachmentId} data-status="refused">
              <strong>{w(categoryKey(a.category))}</strong>{' '}
              <Tag tone="danger" state="refused">
                {w('desk.refused')}
              </Tag>
            </li>
          );
        return a.mediaType === 'application/pdf' ? (
          <li data-attachment={a.attachmentId} data-status="complete" data-kind="pdf">
            <a class="button button--secondary" href={href} download>
              {w('desk.download')}: {label} ({w('kind.pdf')}, {Math.ceil(a.size / 1024)} KB)
            </a>
          </li>
        ) : (
          <li data-attachment={a.attachmentId} data-status="complete" data-kind="photo">
            <figure>
              <a href={href} target="_blank" rel="noopener">
                <img src={href} alt={label} />
              </a>
              <figcaption>{label}</figcaption>
            </figure>
          </li>
        );
      })}
    </ul>
  );
};

/**
 * The attachments on the report's page, as a live section: the live script refetches only this list
 * from its own address (`data-panel-src`) when a photo or PDF completes, so it appears while the page
 * is open, without a reload: what is typed elsewhere on the page, the focus and the scroll position
 * stay as they are (a photo taking its place below the fold moves nothing above it).
 */
export const AttachmentsSection: FC<AttachmentsProps> = (props) => (
  <section
    class="panel"
    id={`panel-${ATTACHMENTS_PANEL}`}
    data-panel={ATTACHMENTS_PANEL}
    data-panel-src={attachmentsPath(props.r)}
    data-attachments
    aria-live="polite"
  >
    <h2>{attachWords(props.locale)('desk.title')}</h2>
    <div data-panel-body>
      <AttachmentsBody {...props} />
    </div>
  </section>
);
