import type { FC } from 'hono/jsx';
import {
  ActionForm,
  Banner,
  Button,
  ButtonGroup,
  Confirm,
  Field,
  fill,
  Form,
  formatJst,
  SummaryList,
  Timeline,
  type PanelContext,
} from '../../gateway/index.js';
import type { IdentifyFailure } from '../../reader/index.js';
import { crewMessage as recordsMessage, UNABLE_REASONS } from '../../records/index.js';
import { UNIT_MILESTONES } from '../../dispatch/index.js';
import type { AssignedCase } from './assignment.js';
import { FlowSteps } from './flow-steps.js';
import { PatientsBar, patientLabel } from './patients-panel.js';
import { pinAllowed, type CardSession } from './state.js';
import type { Say } from './text.js';

/** A holder of the emulated card the demo control can tap (index and the status its records give). */
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

/** A failed card read in the crew's language (the reader's own text is bilingual, for logs and CLI). */
const failureText = (failure: IdentifyFailure, say: Say): string =>
  fill(say(`failure.${failure.code}`), { n: failure.pinTriesLeft ?? '?' });

const STEPS = ['reading-certificate', 'checking-certificate', 'verifying-pin', 'signing-challenge'] as const;

const Identity: FC<{ readonly s: CardSession; readonly ctx: PanelContext; readonly say: Say }> = ({
  s,
  ctx,
  say,
}) => (
  <div class="identity-choice" id="identity">
    <ActionForm
      action="/tablet/identify"
      csrf={ctx.csrf}
      hidden={{ tap: s.tap, mode: 'visual' }}
      name="identify-visual"
      label={say('identity.visual')}
      big
    />
    <p class="meta">
      {say('identity.attester')}: {ctx.userId}
    </p>
    {pinAllowed(s) ? (
      <Form
        action="/tablet/identify"
        id={`identify:${s.tap}`}
        csrf={ctx.csrf}
        locale={ctx.locale}
        state={ctx.form?.(`identify:${s.tap}`)}
        hidden={{ tap: s.tap, mode: 'pin' }}
      >
        <Field
          name="pin"
          label={say('identity.pin')}
          kind="password"
          width="short"
          hint={`${say('identity.pinTries')}: ${fill(say('identity.pinTriesN'), { n: s.pinTries ?? '?' })}`}
          pattern="[0-9]{4}"
          maxLength={4}
          state={ctx.form?.(`identify:${s.tap}`)}
          locale={ctx.locale}
        />
        <Button variant="secondary" action="identify-pin">
          {say('identity.pinSubmit')}
        </Button>
      </Form>
    ) : (
      <Banner tone="warning" kind="pin-locked" locale={ctx.locale} title={say('identity.pinLocked')} />
    )}
  </div>
);

const Consent: FC<{ readonly s: CardSession; readonly ctx: PanelContext; readonly say: Say }> = ({
  s,
  ctx,
  say,
}) => (
  <div class="consent" id="consent">
    <h3>{say('consent.title')}</h3>
    <ActionForm
      action="/tablet/consent"
      csrf={ctx.csrf}
      hidden={{ tap: s.tap }}
      submit={{ name: 'basis', value: 'given' }}
      name="consent-given"
      label={say('consent.given')}
      big
    />
    <Form
      action="/tablet/consent"
      id={`consent:${s.tap}`}
      csrf={ctx.csrf}
      locale={ctx.locale}
      hidden={{ tap: s.tap, basis: 'unable-emergency' }}
    >
      <Field
        name="reason"
        label={say('consent.reason')}
        kind="select"
        options={UNABLE_REASONS.map((r) => ({ value: r, label: say(`reason.${r}`) }))}
        locale={ctx.locale}
      />
      <Button variant="secondary" action="consent-unable">
        {say('consent.unable')}
      </Button>
    </Form>
    <Confirm
      id="consent-refused"
      open={say('consent.refusedOpen')}
      title={say('consent.refusedTitle')}
      consequence={say('consent.refusedConsequence')}
      action="/tablet/consent"
      csrf={ctx.csrf}
      hidden={{ tap: s.tap, basis: 'refused' }}
      confirmLabel={say('consent.refused')}
      locale={ctx.locale}
    />
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
          <div data-phase="read-failed" data-code={phase.failure.code}>
            <Banner
              tone="warning"
              kind="read-failed"
              locale={lang}
              alert
              title={failureText(phase.failure, say)}
            />
          </div>
          {phase.failure.next === 'enter-pin-again' || phase.failure.next === 'use-visual-confirmation' ? (
            <Identity s={s} ctx={ctx} say={say} />
          ) : null}
        </>
      );
    case 'removed':
      return (
        <div data-phase="removed">
          <Banner tone="warning" kind="removed" locale={lang} alert title={say('card.removed')} />
        </div>
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
          <div data-phase="records" data-outcome={code}>
            {code === 'ok' ? (
              <p>{recordsMessage(code)[lang]}</p>
            ) : (
              <Banner
                tone="warning"
                kind="records"
                locale={lang}
                title={`${recordsMessage(code)[lang]}${s.retrying ? ` ${say('records.retrying')}` : ''}`}
              />
            )}
          </div>
          {s.retrying ? (
            <ActionForm
              action="/tablet/retry"
              csrf={ctx.csrf}
              hidden={{ tap: s.tap }}
              name="retry"
              label={say('records.retryNow')}
              variant="secondary"
            />
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
  <fieldset class="demo group" data-demo-control>
    <legend>{say('demo.title')}</legend>
    <Form action="/tablet/demo/insert" id="demo-insert" csrf={ctx.csrf} locale={ctx.locale}>
      <Field
        name="holder"
        label={say('demo.holder')}
        kind="select"
        options={holders.map((h) => ({ value: String(h.index), label: holderLabel(h, say) }))}
        locale={ctx.locale}
      />
      <Button action="demo-insert">{say('demo.insert')}</Button>
    </Form>
    <ActionForm
      action="/tablet/demo/remove"
      csrf={ctx.csrf}
      name="demo-remove"
      label={say('demo.remove')}
      variant="secondary"
    />
  </fieldset>
);

/**
 * The dispatch case this unit runs (an opaque id), where each milestone stands, and the two buttons
 * only the crew can press: left the scene, then arrived at hospital. Arrival is offered only once the
 * departure is recorded (issue 15: an arrival before the departure made the call-to-arrival KPI wrong).
 */
export const AssignedCaseBox: FC<{
  readonly assigned: AssignedCase | undefined;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ assigned, ctx, say }) => {
  if (assigned === undefined)
    return (
      <p class="small" data-case="none">
        {say('case.none')}
      </p>
    );
  const departed = assigned.sent.has('departure') || assigned.unsent.has('departure');
  return (
    <section class="case" data-case={assigned.assignment.caseId} aria-labelledby="case-title">
      <h3 id="case-title">{say('case.assigned')}</h3>
      <SummaryList
        rows={[
          { id: 'case', key: say('case.assigned'), value: assigned.assignment.caseId },
          { id: 'dispatch', key: say('case.dispatch'), value: assigned.assignment.dispatchId },
        ]}
      />
      <Timeline
        label={say('case.assigned')}
        items={UNIT_MILESTONES.map((m) => {
          const sent = assigned.sent.get(m);
          const unsent = assigned.unsent.get(m);
          return {
            step: m,
            label: say(`milestone.${m}`),
            tone: sent !== undefined ? 'done' : unsent !== undefined ? 'current' : 'todo',
            ...(sent !== undefined
              ? { time: fill(say('case.sentAt'), { at: formatJst(sent) }) }
              : unsent !== undefined
                ? { time: fill(say('case.unsentAt'), { at: formatJst(unsent) }) }
                : {}),
          };
        })}
      />
      <ul class="visually-hidden">
        {UNIT_MILESTONES.map((m) => (
          <li
            data-milestone={m}
            data-state={assigned.sent.has(m) ? 'sent' : assigned.unsent.has(m) ? 'unsent' : 'none'}
          >
            {say(`milestone.${m}`)}
          </li>
        ))}
      </ul>
      <ButtonGroup>
        {(['departure', 'arrival'] as const).map((m) =>
          assigned.sent.has(m) || assigned.unsent.has(m) || (m === 'arrival' && !departed) ? null : (
            <ActionForm
              action="/tablet/milestone"
              csrf={ctx.csrf}
              hidden={{ milestone: m }}
              name={m}
              label={say(`milestone.${m}`)}
              variant="secondary"
            />
          ),
        )}
      </ButtonGroup>
    </section>
  );
};

export const CardPanel: FC<{
  readonly s: CardSession | undefined;
  readonly patients: readonly CardSession[];
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly demo: readonly DemoHolder[] | undefined;
  readonly assigned: AssignedCase | undefined;
  readonly hasDraft: (tap: string) => boolean;
}> = ({ s, patients, ctx, say, demo, assigned, hasDraft }) => (
  <div data-tap={s?.tap}>
    <FlowSteps s={s} ctx={ctx} say={say} />
    {s === undefined || s.notice === undefined ? null : (
      <div data-notice={s.notice}>
        <Banner tone="warning" kind="notice" locale={ctx.locale} alert title={say(`notice.${s.notice}`)} />
      </div>
    )}
    <AssignedCaseBox assigned={assigned} ctx={ctx} say={say} />
    <PatientsBar patients={patients} current={s} ctx={ctx} say={say} hasDraft={hasDraft} />
    {s === undefined ? (
      <p class="empty">{ctx.t('empty.card')}</p>
    ) : (
      <>
        <h3>{patientLabel(s, say)}</h3>
        <PhaseView s={s} ctx={ctx} say={say} />
        <Confirm
          id="handover"
          open={say('handover.open')}
          title={say('handover.title')}
          consequence={say('handover.consequence')}
          action="/tablet/handover"
          csrf={ctx.csrf}
          hidden={{ tap: s.tap }}
          confirmLabel={say('handover.submit')}
          locale={ctx.locale}
        />
      </>
    )}
    {demo === undefined ? null : <DemoControl holders={demo} ctx={ctx} say={say} />}
  </div>
);
