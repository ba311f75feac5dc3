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

/**
 * The report's photos and PDFs at the triage desk (issue 16): each photo shown in the page (an ECG
 * read at its width, so it opens full size on its own), each PDF as a download, with what the crew
 * said it shows and when it was added. An attachment that did not verify is listed as refused, and
 * never shown.
 */
export const AttachmentsSection: FC<{
  readonly r: Pick<BoardReport, 'unitId' | 'reportId'>;
  readonly attachments: readonly StoredAttachment[];
  readonly locale: Locale;
}> = ({ r, attachments, locale }) => {
  const w = attachWords(locale);
  return (
    <section data-attachments>
      <h2>{w('desk.title')}</h2>
      {attachments.length === 0 ? (
        <p data-attachments-none>{w('desk.none')}</p>
      ) : (
        <ul style="list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:1rem">
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
              <li
                data-attachment={a.attachmentId}
                data-status="complete"
                data-kind="photo"
                style="max-width:100%"
              >
                <figure style="margin:0">
                  <a href={href} target="_blank" rel="noopener">
                    <img src={href} alt={label} style="display:block;max-width:min(100%,40rem);height:auto" />
                  </a>
                  <figcaption>{label}</figcaption>
                </figure>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
};
