import type { FC } from 'hono/jsx';
import type { PanelContext } from '../../gateway/index.js';
import { crewMessage as identifyMessage } from '../../reader/index.js';
import { crewMessage as recordsMessage, UNABLE_REASONS } from '../../records/index.js';
import { UNIT_MILESTONES } from '../../dispatch/index.js';
import { formatJst } from '../../gateway/index.js';
import type { AssignedCase } from './assignment.js';
import { PatientsBar, patientLabel } from './patients-panel.js';
import { pinAllowed, type CardSession } from './state.js';
import type { Say } from './text.js';

/** A holder of the emulated card the demo control can tap (index and a synthetic status label). */
export interface DemoHolder {
  readonly index: number;
  readonly label: string;
  /** The card's status at the records service and the holder's card PIN (synthetic: shown in the demo). */
  readonly card?: { readonly status: DemoCardStatus; readonly pin: string };
}

/** The records service's answers for a demo card, in the words of the demo panel. */
export type DemoCardStatus = 'active' | 'suspended' | 'revoked' | 'certificate-expired' | 'no-eligibility';

/** "#3 · 有効 · カードの暗証番号 1234": everything a newcomer needs to try a card. */
const holderLabel = (h: DemoHolder, say: Say): string =>
  h.card === undefined
    ? h.label
    : `#${h.index} · ${say(`demo.status.${h.card.status}`)} · ${say('demo.pin')} ${h.card.pin}`;

const Hidden: FC<{ readonly csrf: string; readonly tap?: string | undefined }> = ({ csrf, tap }) => (
  <>
    <input type="hidden" name="_csrf" value={csrf} />
    {tap === undefined ? null : <input type="hidden" name="tap" value={tap} />}
  </>
);

const STEPS = ['reading-certificate', 'checking-certificate', 'verifying-pin', 'signing-challenge'] as const;

const Identity: FC<{ readonly s: CardSession; readonly ctx: PanelContext; readonly say: Say }> = ({
  s,
  ctx,
  say,
}) => (
  <div class="identity-choice">
    <form method="post" action="/tablet/identify">
      <Hidden csrf={ctx.csrf} tap={s.tap} />
      <input type="hidden" name="mode" value="visual" />
      <button type="submit" data-action="identify-visual">
        {say('identity.visual')}
      </button>
      <p>
        {say('identity.attester')}: {ctx.userId}
      </p>
    </form>
    <form method="post" action="/tablet/identify">
      <Hidden csrf={ctx.csrf} tap={s.tap} />
      <input type="hidden" name="mode" value="pin" />
      <label for="pin">
        {say('identity.pin')} — {say('identity.pinTries')}: {s.pinTries ?? '?'}
      </label>
      {pinAllowed(s) ? (
        <>
          <input
            id="pin"
            name="pin"
            type="password"
            inputmode="numeric"
            pattern="[0-9]{4}"
            maxlength={4}
            autocomplete="off"
            required
          />
          <button type="submit" data-action="identify-pin">
            {say('identity.pinSubmit')}
          </button>
        </>
      ) : (
        <p class="error">{say('identity.pinLocked')}</p>
      )}
    </form>
  </div>
);

const Consent: FC<{ readonly s: CardSession; readonly ctx: PanelContext; readonly say: Say }> = ({
  s,
  ctx,
  say,
}) => (
  <div class="consent">
    <h3>{say('consent.title')}</h3>
    <form method="post" action="/tablet/consent">
      <Hidden csrf={ctx.csrf} tap={s.tap} />
      <button type="submit" name="basis" value="given" data-action="consent-given">
        {say('consent.given')}
      </button>
    </form>
    <form method="post" action="/tablet/consent">
      <Hidden csrf={ctx.csrf} tap={s.tap} />
      <input type="hidden" name="basis" value="unable-emergency" />
      <label for="reason">{say('consent.reason')}</label>
      <select id="reason" name="reason">
        {UNABLE_REASONS.map((r) => (
          <option value={r}>{say(`reason.${r}`)}</option>
        ))}
      </select>
      <button type="submit" data-action="consent-unable">
        {say('consent.unable')}
      </button>
    </form>
    <form method="post" action="/tablet/consent">
      <Hidden csrf={ctx.csrf} tap={s.tap} />
      <button type="submit" name="basis" value="refused" data-action="consent-refused">
        {say('consent.refused')}
      </button>
    </form>
  </div>
);

const PhaseView: FC<{ readonly s: CardSession; readonly ctx: PanelContext; readonly say: Say }> = ({
  s,
  ctx,
  say,
}) => {
  const lang = ctx.locale;
  const phase = s.phase;
  switch (phase.kind) {
    case 'unidentified':
      return (
        <p data-phase="unidentified">
          {say('patients.describe')}: {patientLabel(s, say)}
        </p>
      );
    case 'card-present':
      return (
        <>
          <p data-phase="card-present">{say('card.present')}</p>
          <Identity s={s} ctx={ctx} say={say} />
        </>
      );
    case 'reading':
      return (
        <ol data-phase="reading" class="progress">
          {(phase.mode === 'pin' ? STEPS : STEPS.slice(0, 2)).map((step) => (
            <li aria-current={phase.step === step ? 'step' : undefined}>{say(`step.${step}`)}</li>
          ))}
        </ol>
      );
    case 'read-failed':
      return (
        <>
          <p class="error" data-phase="read-failed" data-code={phase.failure.code}>
            {identifyMessage(phase.failure.code, phase.failure.pinTriesLeft)}
          </p>
          {phase.failure.next === 'enter-pin-again' || phase.failure.next === 'use-visual-confirmation' ? (
            <Identity s={s} ctx={ctx} say={say} />
          ) : null}
        </>
      );
    case 'removed':
      return (
        <p class="error" data-phase="removed">
          {say('card.removed')}
        </p>
      );
    case 'identified':
      return (
        <>
          <p data-phase="identified">
            {say('card.identified')} (
            {say(`identity.mode.${s.candidate?.method ?? s.identity?.mode ?? 'visual'}`)})
          </p>
          <Consent s={s} ctx={ctx} say={say} />
        </>
      );
    case 'fetching':
      return <p data-phase="fetching">{say('records.fetching')}</p>;
    case 'records': {
      const code = phase.outcome.code;
      return (
        <>
          <p data-phase="records" data-outcome={code} class={code === 'ok' ? undefined : 'error'}>
            {recordsMessage(code)[lang]}
            {s.retrying ? ` ${say('records.retrying')}` : ''}
          </p>
          {s.retrying ? (
            <form method="post" action="/tablet/retry">
              <Hidden csrf={ctx.csrf} tap={s.tap} />
              <button type="submit">{say('records.retryNow')}</button>
            </form>
          ) : null}
        </>
      );
    }
    default:
      return phase satisfies never;
  }
};

/** Clearly a demo: emulated cards of synthetic holders; only mounted with the in-process reader. */
export const DemoControl: FC<{
  readonly holders: readonly DemoHolder[];
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ holders, ctx, say }) => (
  <fieldset class="demo" data-demo-control>
    <legend>{say('demo.title')}</legend>
    <form method="post" action="/tablet/demo/insert">
      <Hidden csrf={ctx.csrf} />
      <label for="holder">{say('demo.holder')}</label>
      <select id="holder" name="holder">
        {holders.map((h) => (
          <option value={String(h.index)}>{holderLabel(h, say)}</option>
        ))}
      </select>
      <button type="submit" data-action="demo-insert">
        {say('demo.insert')}
      </button>
    </form>
    <form method="post" action="/tablet/demo/remove">
      <Hidden csrf={ctx.csrf} />
      <button type="submit" data-action="demo-remove">
        {say('demo.remove')}
      </button>
    </form>
  </fieldset>
);

/**
 * The dispatch case this unit runs (an opaque id), where each milestone stands, and the two buttons
 * only the crew can press: left the scene, arrived at hospital.
 */
export const AssignedCaseBox: FC<{
  readonly assigned: AssignedCase | undefined;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ assigned, ctx, say }) =>
  assigned === undefined ? (
    <p class="small" data-case="none">
      {say('case.none')}
    </p>
  ) : (
    <fieldset class="case" data-case={assigned.assignment.caseId}>
      <legend>
        {say('case.assigned')} {assigned.assignment.caseId} · {say('case.dispatch')}{' '}
        {assigned.assignment.dispatchId}
      </legend>
      <ul class="small">
        {UNIT_MILESTONES.map((m) => {
          const sent = assigned.sent.get(m);
          const unsent = assigned.unsent.get(m);
          return (
            <li
              data-milestone={m}
              data-state={sent !== undefined ? 'sent' : unsent !== undefined ? 'unsent' : 'none'}
            >
              {say(`milestone.${m}`)}
              {sent !== undefined ? ` ✓ ${formatJst(sent)} (${say('case.sent')})` : ''}
              {unsent !== undefined ? ` ${formatJst(unsent)} (${say('case.unsent')})` : ''}
            </li>
          );
        })}
      </ul>
      {(['departure', 'arrival'] as const).map((m) =>
        assigned.sent.has(m) ? null : (
          <form method="post" action="/tablet/milestone">
            <Hidden csrf={ctx.csrf} />
            <input type="hidden" name="milestone" value={m} />
            <button type="submit" data-action={m}>
              {say(`milestone.${m}`)}
            </button>
          </form>
        ),
      )}
    </fieldset>
  );

export const CardPanel: FC<{
  readonly s: CardSession | undefined;
  readonly patients: readonly CardSession[];
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly demo: readonly DemoHolder[] | undefined;
  readonly assigned: AssignedCase | undefined;
}> = ({ s, patients, ctx, say, demo, assigned }) => (
  <div data-tap={s?.tap}>
    <AssignedCaseBox assigned={assigned} ctx={ctx} say={say} />
    <PatientsBar patients={patients} current={s} ctx={ctx} say={say} />
    {s === undefined ? (
      <p class="empty">{ctx.t('empty.card')}</p>
    ) : (
      <>
        {s.notice === undefined ? null : (
          <p class="error" data-notice={s.notice}>
            {say(`notice.${s.notice}`)}
          </p>
        )}
        <PhaseView s={s} ctx={ctx} say={say} />
        <form method="post" action="/tablet/handover">
          <Hidden csrf={ctx.csrf} tap={s.tap} />
          <button type="submit" data-action="handover">
            {say('handover.submit')}
          </button>
        </form>
      </>
    )}
    {demo === undefined ? null : <DemoControl holders={demo} ctx={ctx} say={say} />}
  </div>
);
