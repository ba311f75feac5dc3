import type { FC } from 'hono/jsx';
import {
  Banner,
  fill,
  formatJst,
  relativeAge,
  SummaryList,
  Tag,
  type PanelContext,
  type TagTone,
} from '../../gateway/index.js';
import type { CrewState, ReportView } from '../../hospital-feed/index.js';
import type { Say } from './text.js';

/**
 * A report state's look. Only `received` and later are the hospital's word: `sent` is handed to the
 * MQTT client, `at-broker` acknowledged by the broker, neither is delivered (issue 15: "送信済み"
 * while offline told the crew a lie).
 */
export const stateTone = (state: CrewState): TagTone => {
  switch (state) {
    case 'queued':
    case 'sent':
    case 'at-broker':
      return 'warning';
    case 'received':
    case 'viewed':
      return 'info';
    case 'accepted':
      return 'success';
    case 'declined':
    case 'expired':
      return 'danger';
    case 'cancelled':
    case 'handed-over':
      return 'neutral';
    default:
      return state satisfies never;
  }
};

/** Not yet at the hospital: what a broker outage holds back. */
const undelivered = (state: CrewState): boolean =>
  state === 'queued' || state === 'sent' || state === 'at-broker';

/**
 * Where the patient's reports stand, loud where it matters: a decline with its reason in words (and the
 * hospital's note), an acceptance with the hospital's name, the broker link down while a report waits,
 * the current destination and the dispatch case; then every report of this patient with its state.
 */
export const ReportStatus: FC<{
  readonly views: readonly ReportView[];
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly hospitalName: (id: string) => string;
  readonly caseId: string | undefined;
  readonly linkUp: boolean;
}> = ({ views, ctx, say, hospitalName, caseId, linkUp }) => {
  const latest = views.at(-1);
  if (latest === undefined) return null;
  const name = hospitalName(latest.hospitalId);
  return (
    <div id="report-status" data-report-status={latest.state}>
      {!linkUp && views.some((v) => undelivered(v.state)) ? (
        <Banner tone="warning" kind="link-down" title={say('status.linkDown')} locale={ctx.locale} alert />
      ) : null}
      {latest.state === 'declined' && latest.declineReason !== undefined ? (
        <div data-decline={latest.declineReason}>
          <Banner
            tone="critical"
            kind="declined"
            locale={ctx.locale}
            alert
            title={fill(say('status.declined'), {
              hospital: name,
              reason: say(`decline.${latest.declineReason}`),
            })}
          >
            {latest.declineNote === undefined ? null : (
              <p data-decline-note>
                {say('decline.note')}: <q>{latest.declineNote}</q>
              </p>
            )}
            <p>{say('status.declinedNext')}</p>
          </Banner>
        </div>
      ) : null}
      {latest.state === 'accepted' ? (
        <Banner
          tone="success"
          kind="accepted"
          locale={ctx.locale}
          alert
          title={fill(say('status.accepted'), { hospital: name })}
        />
      ) : null}
      <SummaryList
        rows={[
          {
            id: 'destination',
            key: say('report.current'),
            value: (
              <>
                {name}{' '}
                <Tag tone={stateTone(latest.state)} state={latest.state}>
                  {say(`state.${latest.state}`)}
                </Tag>
              </>
            ),
          },
          { id: 'case', key: say('report.case'), value: caseId ?? say('report.caseNone') },
        ]}
      />
      <table data-reports>
        <caption>{say('status.title')}</caption>
        <tbody>
          {views.map((v) => (
            <tr data-report={v.reportId} data-state={v.state}>
              <td>{hospitalName(v.hospitalId)}</td>
              <td>
                <Tag tone={stateTone(v.state)} state={v.state}>
                  {say(`state.${v.state}`)}
                </Tag>
                {v.state === 'declined' && v.declineReason !== undefined ? (
                  <span> {say(`decline.${v.declineReason}`)}</span>
                ) : null}
              </td>
              <td>
                <time datetime={new Date(v.updatedAt).toISOString()}>
                  {formatJst(v.updatedAt)} ({relativeAge(v.updatedAt, ctx.now, ctx.t)})
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};
