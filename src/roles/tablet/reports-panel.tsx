import type { FC } from 'hono/jsx';
import { Banner, formatJst, PatientList, PatientRow, Tag, type Locale } from '../../gateway/index.js';
import { stateTone } from './report-status.js';
import type { ShiftReportRow } from './shift-reports.js';
import type { Say } from './text.js';

/**
 * This shift's reports in their live state, from the outbox (issue 12, R3): destination, times and
 * state only, so the list shows nothing about the patient. One report per row of the shared list
 * (report number, destination, state as a tag with a decline's reason in words, last change and
 * deadline). `repeat` marks the report a re-posted form found (R4): a notice says it was sent once,
 * so the crew need not start over.
 */
export const ReportsPanel: FC<{
  readonly rows: readonly ShiftReportRow[];
  readonly repeat: string | undefined;
  readonly hospitalName: (id: string) => string;
  readonly say: Say;
  readonly locale: Locale;
}> = ({ rows, repeat, hospitalName, say, locale }) => {
  const repeated = rows.find((r) => r.reportId === repeat);
  return (
    <div data-shift-reports>
      {repeated === undefined ? null : (
        <Banner tone="info" kind="repeat" locale={locale} alert title={say('list.repeat')}>
          <p>
            {say('list.id')} {repeated.shortId}
          </p>
        </Banner>
      )}
      <PatientList label={say('list.caption')}>
        {rows.map((r) => (
          <PatientRow
            id={r.reportId}
            hooks={{
              'data-report': r.reportId,
              'data-state': r.state,
              'data-repeat': r.reportId === repeat ? '' : undefined,
            }}
            lead={<code aria-label={`${say('list.id')} ${r.shortId}`}>{r.shortId}</code>}
            title={
              <>
                {hospitalName(r.hospitalId)}{' '}
                <Tag tone={stateTone(r.state)} state={r.state}>
                  {say(`state.${r.state}`)}
                </Tag>
                {r.state === 'declined' && r.declineReason !== undefined ? (
                  <span data-decline={r.declineReason}> {say(`decline.${r.declineReason}`)}</span>
                ) : null}
              </>
            }
            meta={`${say('list.updated')} ${formatJst(r.updatedAt)} · ${say('list.expires')} ${formatJst(r.expiresAt)}`}
          />
        ))}
      </PatientList>
    </div>
  );
};
