import type { FC } from 'hono/jsx';
import type { PanelContext } from '../../gateway/index.js';
import { AGE_BANDS, hasUnsent, SEXES, type CardSession } from './state.js';
import type { Say } from './text.js';

const Csrf: FC<{ readonly csrf: string }> = ({ csrf }) => <input type="hidden" name="_csrf" value={csrf} />;

/** "Patient 2 (unknown patient · 70s · female)": how the crew tells casualties apart, no personal data. */
export const patientLabel = (s: CardSession, say: Say): string => {
  const name = say('patients.number').replace('{n}', String(s.number));
  const d = s.description;
  const origin =
    s.origin === 'card'
      ? say('patients.card')
      : [
          say('patients.unknown'),
          ...(d === undefined ? [] : [say(`age.${d.ageBand}`), say(`sex.${d.sex}`)]),
        ].join(' · ');
  return `${name} (${origin})`;
};

/** The crew's "new patient without a card": an estimated age band and sex, or "unknown". */
const NewPatient: FC<{ readonly ctx: PanelContext; readonly say: Say }> = ({ ctx, say }) => (
  <form method="post" action="/tablet/patient/new" class="new-patient">
    <Csrf csrf={ctx.csrf} />
    <label for="ageBand">{say('patients.ageBand')}</label>
    <select id="ageBand" name="ageBand">
      {AGE_BANDS.map((b) => (
        <option value={b}>{say(`age.${b}`)}</option>
      ))}
    </select>
    <label for="sex">{say('patients.sex')}</label>
    <select id="sex" name="sex">
      {SEXES.map((x) => (
        <option value={x}>{say(`sex.${x}`)}</option>
      ))}
    </select>
    <button type="submit" data-action="new-patient">
      {say('patients.new')}
    </button>
  </form>
);

/**
 * Every patient on this tablet (issue 13: several casualties per ambulance), the one on screen
 * marked, a button to show another (nothing is discarded by switching: each keeps its session), the
 * "new patient without card" form, and discarding the one on screen, which asks first when nothing of
 * it has been sent.
 */
export const PatientsBar: FC<{
  readonly patients: readonly CardSession[];
  readonly current: CardSession | undefined;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ patients, current, ctx, say }) => (
  <fieldset class="patients" data-patients={String(patients.length)}>
    <legend>{say('patients.title')}</legend>
    {patients.length === 0 ? null : (
      <ul>
        {patients.map((s) => (
          <li data-patient={s.tap} data-origin={s.origin} data-on-screen={String(s.tap === current?.tap)}>
            <strong>{patientLabel(s, say)}</strong> ·{' '}
            {hasUnsent(s)
              ? say('patients.unsent')
              : say('patients.reports').replace('{n}', String(s.reports.length))}
            {s.tap === current?.tap ? (
              <em> · {say('patients.onScreen')}</em>
            ) : (
              <form method="post" action="/tablet/patient/select" class="inline">
                <Csrf csrf={ctx.csrf} />
                <input type="hidden" name="patient" value={s.tap} />
                <button type="submit" data-action="select-patient">
                  {say('patients.show')}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
    )}
    <NewPatient ctx={ctx} say={say} />
    {current === undefined ? null : (
      <form method="post" action="/tablet/patient/discard" class="destructive">
        <Csrf csrf={ctx.csrf} />
        <input type="hidden" name="tap" value={current.tap} />
        {current.notice === 'confirm-discard' ? (
          <button type="submit" name="confirm" value="yes" class="danger" data-action="discard-confirm">
            {say('patients.discardConfirm')}
          </button>
        ) : (
          <button type="submit" class="danger" data-action="discard">
            {say('patients.discard')}
          </button>
        )}
      </form>
    )}
  </fieldset>
);
