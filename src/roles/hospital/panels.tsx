import type { FC } from 'hono/jsx';
import { CATEGORIES, DECLINE_REASONS, EQUIPMENT, type HospitalStatus } from '../../dispatch/index.js';
import {
  formatJst,
  Layout,
  relativeAge,
  translator,
  type Locale,
  type PanelContext,
} from '../../gateway/index.js';
import { Banner, Button, ButtonLink, Field, FieldRow, Form } from '../../gateway/ui/components/index.js';
import { ageBandText, words } from '../dispatch-text.js';
import { triageText } from '../triage/index.js';
import type { IncomingInquiry } from './inquiries.js';

const Check: FC<{ name: string; label: string; checked: boolean }> = ({ name, label, checked }) => (
  <label>
    <input type="checkbox" name={name} value="on" checked={checked} /> {label}
  </label>
);

/** The status form's id (`_form`): a refused post comes back under it, every value as typed. */
export const STATUS_FORM = 'status';

/**
 * The desk's own status: what dispatch ranks this hospital by. Saved, signed and published at once. A
 * bad number (beds -1, load 150) comes back on the form naming the field, with everything typed kept
 * (component layer, issue 15); nothing is published until it is right.
 */
export const StatusForm: FC<{ ctx: PanelContext; status: HospitalStatus; published: boolean }> = ({
  ctx,
  status,
  published,
}) => {
  const w = words(ctx.locale);
  const state = ctx.form?.(STATUS_FORM);
  // A refused post's checkboxes come back as typed: only the checked ones were posted.
  const checked = (name: string, current: boolean): boolean =>
    state === undefined ? current : state.values[name] === 'on';
  const fields = {
    bedsFree: { label: w.w.beds, numeric: true, hint: '0〜100000' },
    icuFree: { label: w.w.icu, numeric: true, hint: '0〜100000' },
    loadPercent: { label: `${w.w.load} (%)`, numeric: true, hint: '0〜100' },
    note: { label: w.w.note },
  };
  return (
    <>
      <Form
        action="/hospital/status"
        csrf={ctx.csrf}
        id={STATUS_FORM}
        locale={ctx.locale}
        state={state}
        fields={fields}
      >
        <div class="chk">
          <Check
            name="erOpen"
            label={`${w.w.erOpen} ${w.w.open}`}
            checked={checked('erOpen', status.erOpen)}
          />
        </div>
        <p class="field__label">{w.w.accepts}</p>
        <div class="chk">
          {CATEGORIES.map((c) => (
            <Check
              name={`accepts_${c}`}
              label={w.category[c]}
              checked={checked(`accepts_${c}`, status.accepts[c])}
            />
          ))}
        </div>
        <FieldRow>
          {(['bedsFree', 'icuFree', 'loadPercent'] as const).map((name) => (
            <Field
              name={name}
              kind="number"
              width="short"
              label={fields[name].label}
              hint={fields[name].hint}
              locale={ctx.locale}
              state={state}
              value={String(
                name === 'bedsFree'
                  ? status.beds.free
                  : name === 'icuFree'
                    ? status.beds.icuFree
                    : status.loadPercent,
              )}
            />
          ))}
        </FieldRow>
        <p class="field__label">{w.w.equipment}</p>
        <div class="chk">
          {EQUIPMENT.map((e) => (
            <Check name={e} label={w.equipment[e]} checked={checked(e, status.equipment[e])} />
          ))}
        </div>
        <Field
          name="note"
          label={w.w.note}
          maxLength={280}
          locale={ctx.locale}
          state={state}
          value={status.note ?? ''}
        />
        <p>
          {w.w.updated}: {formatJst(status.updatedAt)} ({relativeAge(status.updatedAt, ctx.now, ctx.t)})
          {published ? ` · ${w.w.signed}` : ''}
        </p>
        <Button action="save-status">{w.w.save}</Button>
      </Form>
    </>
  );
};

const Inquiry: FC<{ ctx: PanelContext; inquiry: IncomingInquiry; answerable: boolean }> = ({
  ctx,
  inquiry,
  answerable,
}) => {
  const w = words(ctx.locale);
  const m = inquiry.message;
  const closed = inquiry.closed;
  const expired = closed === undefined && !answerable;
  return (
    <div
      class={closed === undefined && !expired ? 'inq' : 'inq closed'}
      data-inquiry={m.inquiryId}
      id={`inquiry-${m.inquiryId}`}
    >
      <strong>
        {w.category[m.category]} · {w.acuity[m.acuity]} · {ageBandText(ctx.locale, m.ageBand)} ·{' '}
        {w.sex[m.sex]}
      </strong>
      <div>
        {w.w.eta}: {m.etaMinutes} {w.w.minutes} · {w.w.caseId} {m.caseId} · {w.w.answerBy}{' '}
        {formatJst(m.answerBy)}
      </div>
      {closed?.kind === 'confirmed' ? <p data-state="confirmed">✔ {w.w.confirmed}</p> : null}
      {closed?.kind === 'withdrawn' ? <p data-state="withdrawn">{w.w.withdrawnNote}</p> : null}
      {expired ? <p data-state="expired">{w.w.answerExpired}</p> : null}
      {inquiry.answer !== undefined ? (
        <p data-state="answered">
          {w.w.answered}:{' '}
          {inquiry.answer.kind === 'accept'
            ? w.w.accept
            : `${w.w.decline} (${w.decline[inquiry.answer.reason]})`}
          {inquiry.answerSent ? '' : <span class="warn"> {w.w.notSent}</span>}
        </p>
      ) : null}
      {answerable && (inquiry.answer === undefined || !inquiry.answerSent) ? (
        <div>
          <form method="post" action="/hospital/inquiries/answer">
            <input type="hidden" name="_csrf" value={ctx.csrf} />
            <input type="hidden" name="inquiryId" value={m.inquiryId} />
            <input type="hidden" name="kind" value="accept" />
            <button type="submit" data-action="accept">
              {w.w.accept}
            </button>
          </form>
          <form method="post" action="/hospital/inquiries/answer">
            <input type="hidden" name="_csrf" value={ctx.csrf} />
            <input type="hidden" name="inquiryId" value={m.inquiryId} />
            <input type="hidden" name="kind" value="decline" />
            <select name="reason" aria-label={w.w.reason}>
              {DECLINE_REASONS.map((r) => (
                <option value={r}>{w.decline[r]}</option>
              ))}
            </select>
            <button type="submit" class="decline" data-action="decline">
              {w.w.decline}
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
};

/** The inquiries, newest first; `answerable` is the server's own judgement (open and before the deadline). */
export const InquiryRequests: FC<{
  ctx: PanelContext;
  inquiries: readonly { readonly q: IncomingInquiry; readonly answerable: boolean }[];
}> = ({ ctx, inquiries }) => (
  <>
    {inquiries.map(({ q, answerable }) => (
      <Inquiry ctx={ctx} inquiry={q} answerable={answerable} />
    ))}
  </>
);

/**
 * What an answer past dispatch's deadline gets (409, issue 15): the hospital's own gateway refused it,
 * and the person who pressed a button still on screen (a page that missed its refresh, or a press as
 * the deadline passed) is told so in words (the answer was not sent: dispatch by phone), with the
 * way back to the board.
 */
export const answerRefusedPage = (locale: Locale) => {
  const t = translator(locale);
  return (
    <Layout title={t('title.triage')} locale={locale} t={t}>
      <main data-answer-refused="expired">
        <Banner
          tone="critical"
          kind="inquiry-expired"
          title={words(locale).w.answerExpired}
          locale={locale}
          alert
        >
          <p>{words(locale).w.answerNotTaken}</p>
        </Banner>
        <p>
          <ButtonLink href="/">{triageText(locale)('detail.back')}</ButtonLink>
        </p>
      </main>
    </Layout>
  );
};
