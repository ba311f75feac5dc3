import type { FC } from 'hono/jsx';
import { formatJst, type PanelContext } from '../../gateway/index.js';
import type { ReportView } from '../../hospital-feed/index.js';
import { newFormKey } from './report-form.js';
import { latestReport, type CardSession } from './state.js';
import type { Say, TextKey } from './text.js';

export interface Hospital {
  readonly id: string;
  readonly name: string;
}

export interface CrewContact {
  readonly callSign: string;
  readonly phone: string;
}

const Field: FC<{
  readonly name: string;
  readonly label: TextKey;
  readonly say: Say;
  readonly mode?: 'numeric' | 'decimal';
}> = ({ name, label, say, mode }) => (
  <span class="field">
    <label for={name}>{say(label)}</label>
    <input id={name} name={name} inputmode={mode ?? 'numeric'} autocomplete="off" />
  </span>
);

const JCS = ['0', '1', '2', '3', '10', '20', '30', '100', '200', '300'];

const HospitalSelect: FC<{ readonly id: string; readonly hospitals: readonly Hospital[] }> = ({
  id,
  hospitals,
}) => (
  <select id={id} name="hospital">
    {hospitals.map((h) => (
      <option value={h.id}>{h.name}</option>
    ))}
  </select>
);

/** The ATMIST + vitals form: big fields, numeric keypads, nothing required that a crew may not know. */
const ReportFormView: FC<{
  readonly s: CardSession;
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly hospitals: readonly Hospital[];
  readonly contact: CrewContact;
  readonly updating: boolean;
}> = ({ s, ctx, say, hospitals, contact, updating }) => (
  <form method="post" action="/tablet/report" class="report-form">
    <input type="hidden" name="_csrf" value={ctx.csrf} />
    <input type="hidden" name="tap" value={s.tap} />
    <input type="hidden" name="key" value={newFormKey()} />
    <span class="field">
      <label for="ageValue">{say('report.age')}</label>
      <input id="ageValue" name="ageValue" inputmode="numeric" required />
      <select name="ageUnit" aria-label={say('report.age')}>
        <option value="years">{say('report.ageUnit.years')}</option>
        <option value="months">{say('report.ageUnit.months')}</option>
      </select>
      <label>
        <input type="checkbox" name="ageEstimated" /> {say('report.ageEstimated')}
      </label>
    </span>
    <label for="mechanism">{say('report.mechanism')}</label>
    <input id="mechanism" name="mechanism" />
    <label for="injuries">{say('report.injuries')}</label>
    <input id="injuries" name="injuries" />
    <fieldset>
      <legend>{say('report.signs')}</legend>
      <Field name="hr" label="report.hr" say={say} />
      <Field name="sys" label="report.sys" say={say} />
      <Field name="dia" label="report.dia" say={say} />
      <Field name="rr" label="report.rr" say={say} />
      <Field name="spo2" label="report.spo2" say={say} />
      <Field name="temp" label="report.temp" say={say} mode="decimal" />
      <span class="field">
        <label for="jcs">{say('report.jcs')}</label>
        <select id="jcs" name="jcs">
          <option value="">—</option>
          {JCS.map((l) => (
            <option value={l}>{l}</option>
          ))}
        </select>
      </span>
      <span class="field">
        <label for="gcsE">{say('report.gcs')}</label>
        <input id="gcsE" name="gcsE" inputmode="numeric" aria-label="GCS E" />
        <input id="gcsV" name="gcsV" inputmode="numeric" aria-label="GCS V" />
        <input id="gcsM" name="gcsM" inputmode="numeric" aria-label="GCS M" />
      </span>
      <span class="field">
        <label for="pupilL">{say('report.pupils')}</label>
        <input id="pupilL" name="pupilL" inputmode="decimal" aria-label="L mm" />
        <label>
          <input type="checkbox" name="pupilLReactive" /> L {say('report.reactive')}
        </label>
        <input id="pupilR" name="pupilR" inputmode="decimal" aria-label="R mm" />
        <label>
          <input type="checkbox" name="pupilRReactive" /> R {say('report.reactive')}
        </label>
      </span>
    </fieldset>
    <label for="treatment">{say('report.treatment')}</label>
    <input id="treatment" name="treatment" />
    <span class="field">
      <label for="acuity">{say('report.acuity')}</label>
      <select id="acuity" name="acuity">
        {['1', '2', '3', '4', '5'].map((a) => (
          <option value={a} selected={a === '3'}>
            {a}
          </option>
        ))}
      </select>
    </span>
    <Field name="etaMinutes" label="report.eta" say={say} />
    <label for="hospital">{say('report.destination')}</label>
    <HospitalSelect id="hospital" hospitals={hospitals} />
    <label for="callSign">{say('report.callSign')}</label>
    <input id="callSign" name="callSign" value={contact.callSign} required />
    <label for="phone">{say('report.phone')}</label>
    <input id="phone" name="phone" value={contact.phone} inputmode="tel" required />
    <button type="submit" data-action="send-report">
      {say(updating ? 'report.update' : 'report.send')}
    </button>
  </form>
);

/**
 * Why the hospital declined, in words, with its note as written there: the crew decides where to go
 * next from it (a "no bed" is not an "out of capability"). Shown only while the decline stands.
 */
const Decline: FC<{ readonly v: ReportView; readonly say: Say }> = ({ v, say }) =>
  v.state !== 'declined' || v.declineReason === undefined ? null : (
    <div data-decline={v.declineReason}>
      {say('decline.reason')}: {say(`decline.${v.declineReason}`)}
      {v.declineNote === undefined ? null : (
        <p data-decline-note>
          {say('decline.note')}: <q>{v.declineNote}</q>
        </p>
      )}
    </div>
  );

export const ReportPanel: FC<{
  readonly s: CardSession | undefined;
  readonly views: readonly ReportView[];
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly hospitals: readonly Hospital[];
  readonly contact: CrewContact;
}> = ({ s, views, ctx, say, hospitals, contact }) => {
  if (s === undefined) return <p class="empty">{ctx.t('empty.report')}</p>;
  const latest = latestReport(s);
  const name = (id: string): string => hospitals.find((h) => h.id === id)?.name ?? id;
  return (
    <div>
      {views.length === 0 ? null : (
        <table data-reports>
          <caption>{say('report.state')}</caption>
          <tbody>
            {views.map((v) => (
              <tr data-report={v.reportId} data-state={v.state}>
                <td>{name(v.hospitalId)}</td>
                <td>
                  <strong>{say(`state.${v.state}`)}</strong>
                  <Decline v={v} say={say} />
                </td>
                <td>{formatJst(v.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ReportFormView
        s={s}
        ctx={ctx}
        say={say}
        hospitals={hospitals}
        contact={contact}
        updating={latest !== undefined}
      />
      {latest === undefined ? null : (
        <form method="post" action="/tablet/divert" class="divert">
          <input type="hidden" name="_csrf" value={ctx.csrf} />
          <input type="hidden" name="tap" value={s.tap} />
          <label for="divertTo">{say('report.divertTo')}</label>
          <HospitalSelect id="divertTo" hospitals={hospitals.filter((h) => h.id !== latest.hospitalId)} />
          <button type="submit" data-action="divert">
            {say('report.divert')}
          </button>
        </form>
      )}
    </div>
  );
};
