import type { FC } from 'hono/jsx';
import { formatJst } from '../../gateway/index.js';
import type { ShiftReportRow } from './shift-reports.js';
import type { Say } from './text.js';

/**
 * This shift's reports in their live state, from the outbox (issue 12, R3): destination, times and
 * state only, so the list shows nothing about the patient. `repeat` marks the report a re-posted form
 * found (R4): the crew sees it was sent once and need not start over.
 */
export const ReportsPanel: FC<{
  readonly rows: readonly ShiftReportRow[];
  readonly repeat: string | undefined;
  readonly hospitalName: (id: string) => string;
  readonly say: Say;
}> = ({ rows, repeat, hospitalName, say }) => (
  <table data-shift-reports>
    <caption>{say('list.caption')}</caption>
    <thead>
      <tr>
        <th scope="col">{say('list.id')}</th>
        <th scope="col">{say('report.destination')}</th>
        <th scope="col">{say('report.state')}</th>
        <th scope="col">{say('list.updated')}</th>
        <th scope="col">{say('list.expires')}</th>
      </tr>
    </thead>
    <tbody>
      {rows.map((r) => (
        <tr
          data-report={r.reportId}
          data-state={r.state}
          data-repeat={r.reportId === repeat ? '' : undefined}
        >
          <td>
            <code>{r.shortId}</code>
          </td>
          <td>{hospitalName(r.hospitalId)}</td>
          <td>
            <strong>{say(`state.${r.state}`)}</strong>
            {r.state === 'declined' && r.declineReason !== undefined ? (
              <span data-decline={r.declineReason}> ({say(`decline.${r.declineReason}`)})</span>
            ) : null}
            {r.reportId === repeat ? <p role="status">{say('list.repeat')}</p> : null}
          </td>
          <td>{formatJst(r.updatedAt)}</td>
          <td>{formatJst(r.expiresAt)}</td>
        </tr>
      ))}
    </tbody>
  </table>
);
