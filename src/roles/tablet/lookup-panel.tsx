import type { FC } from 'hono/jsx';
import {
  Banner,
  Button,
  Confirm,
  Field,
  FieldRow,
  Form,
  SummaryList,
  Tag,
  type FormState,
  type LabelledField,
  type PanelContext,
  type SummaryRow,
} from '../../gateway/index.js';
import { STRONG_MATCH, type Candidate } from '../../records/index.js';
import type { LookupDraft } from './lookup-form.js';
import type { LookupState } from './lookup-state.js';
import { lookupSayer, type LookupSay } from './lookup-text.js';
import { patientLabel } from './patients-panel.js';
import { mayLookUp, type CardSession } from './state.js';
import type { Say } from './text.js';

/** A synthetic namesake pair the demo lists, so a newcomer can try the lookup (never real people). */
export interface DemoNamesake {
  readonly nameKana: string;
  readonly nameKanji: string;
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
  /** The two people's municipalities: what tells them apart. */
  readonly towns: readonly [string, string];
}

const Tap: FC<{ readonly tap: string }> = ({ tap }) => <input type="hidden" name="tap" value={tap} />;

/** The kept draft as the components' form state; errors only on the form of the method that was posted. */
const formState = (lookup: LookupState | undefined, method: LookupDraft['method']): FormState | undefined => {
  if (lookup === undefined || lookup.draft.method !== method) return undefined;
  // The method is the form's own hidden field: every other value as typed.
  const values: Record<string, string> = { ...lookup.draft };
  delete values['method'];
  return { values, errors: lookup.errors };
};

const FourItems: FC<{ readonly s: CardSession; readonly ctx: PanelContext; readonly w: LookupSay }> = ({
  s,
  ctx,
  w,
}) => {
  const state = formState(s.lookup, 'four-items');
  const fields: Record<string, LabelledField> = {
    nameKana: { label: w('nameKana'), hint: w('nameHint') },
    birthDate: { label: w('birthDate'), hint: w('birthDateHint') },
    postcode: { label: w('postcode'), hint: w('postcodeHint') },
  };
  const locale = ctx.locale;
  return (
    <Form
      action="/tablet/lookup"
      csrf={ctx.csrf}
      id="lookup-four-items"
      locale={locale}
      state={state}
      fields={fields}
    >
      <Tap tap={s.tap} />
      <input type="hidden" name="method" value="four-items" />
      <h4>{w('four-items')}</h4>
      <FieldRow>
        <Field
          name="nameKana"
          label={w('nameKana')}
          hint={w('nameHint')}
          state={state}
          locale={locale}
          maxLength={64}
        />
        <Field name="nameKanji" label={w('nameKanji')} state={state} locale={locale} maxLength={64} />
      </FieldRow>
      <FieldRow>
        <Field
          name="birthDate"
          label={w('birthDate')}
          hint={w('birthDateHint')}
          state={state}
          locale={locale}
          width="medium"
          maxLength={16}
        />
        <Field
          name="sex"
          label={w('sex')}
          kind="select"
          options={(['', 'male', 'female'] as const).map((x) => ({ value: x, label: w(`sex.${x}`) }))}
          state={state}
          locale={locale}
          width="medium"
        />
      </FieldRow>
      <FieldRow>
        <Field
          name="address"
          label={w('address')}
          hint={w('addressHint')}
          state={state}
          locale={locale}
          maxLength={200}
        />
        <Field
          name="postcode"
          label={w('postcode')}
          hint={w('postcodeHint')}
          kind="tel"
          state={state}
          locale={locale}
          width="short"
          maxLength={10}
        />
      </FieldRow>
      <Button action="lookup-four-items">{w('search')}</Button>
    </Form>
  );
};

const InsurerNumber: FC<{ readonly s: CardSession; readonly ctx: PanelContext; readonly w: LookupSay }> = ({
  s,
  ctx,
  w,
}) => {
  const state = formState(s.lookup, 'insurer-number');
  const fields: Record<string, LabelledField> = {
    insurerNumber: { label: w('insurerNumber'), hint: w('insurerNumberHint') },
    number: { label: w('number') },
    branch: { label: w('branch'), hint: w('branchHint') },
  };
  const locale = ctx.locale;
  return (
    <Form
      action="/tablet/lookup"
      csrf={ctx.csrf}
      id="lookup-insurer-number"
      locale={locale}
      state={state}
      fields={fields}
    >
      <Tap tap={s.tap} />
      <input type="hidden" name="method" value="insurer-number" />
      <h4>{w('insurer-number')}</h4>
      <FieldRow>
        <Field
          name="insurerNumber"
          label={w('insurerNumber')}
          hint={w('insurerNumberHint')}
          kind="number"
          state={state}
          locale={locale}
          width="medium"
          maxLength={10}
        />
        <Field
          name="symbol"
          label={w('symbol')}
          state={state}
          locale={locale}
          width="medium"
          maxLength={32}
        />
        <Field
          name="number"
          label={w('number')}
          state={state}
          locale={locale}
          width="medium"
          maxLength={20}
        />
        <Field
          name="branch"
          label={w('branch')}
          hint={w('branchHint')}
          kind="number"
          state={state}
          locale={locale}
          width="short"
          maxLength={4}
        />
      </FieldRow>
      <Button action="lookup-insurer-number">{w('search')}</Button>
    </Form>
  );
};

/** One candidate: its score (and "weak match" when weak), what tells it apart, and the two-step confirmation. */
const CandidateItem: FC<{
  readonly c: Candidate;
  readonly n: number;
  readonly tap: string;
  readonly ctx: PanelContext;
  readonly w: LookupSay;
}> = ({ c, n, tap, ctx, w }) => {
  const weak = c.score < STRONG_MATCH;
  const rows: SummaryRow[] = [
    {
      key: w('score'),
      id: 'score',
      value: (
        <>
          {c.score}/100{' '}
          {weak ? (
            <Tag tone="warning" state="weak">
              {w('weak')}
            </Tag>
          ) : null}
        </>
      ),
    },
    ...(c.age === undefined ? [] : [{ key: w('age'), id: 'age', value: w('ageValue', { n: c.age }) }]),
    ...(c.sex === undefined ? [] : [{ key: w('sex'), id: 'sex', value: w(`sex.${c.sex}`) }]),
    ...(c.municipality === undefined ? [] : [{ key: w('town'), id: 'town', value: c.municipality }]),
  ];
  return (
    <li data-candidate={String(n)} data-score={String(c.score)} data-weak={String(weak)}>
      <h5>{w('candidate', { n })}</h5>
      <SummaryList rows={rows} />
      <Confirm
        id={`confirm-candidate-${n}`}
        open={w('choose')}
        title={w('confirmTitle', { n })}
        consequence={<p>{w('consequence', { score: c.score })}</p>}
        action="/tablet/lookup/confirm"
        csrf={ctx.csrf}
        hidden={{ tap, ref: c.ref }}
        confirmLabel={w('confirm')}
        locale={ctx.locale}
      />
    </li>
  );
};

const Answer: FC<{
  readonly lookup: LookupState;
  readonly tap: string;
  readonly ctx: PanelContext;
  readonly w: LookupSay;
}> = ({ lookup, tap, ctx, w }) => (
  <div class="lookup-answer" data-candidates={String(lookup.candidates.length)}>
    <h4>{w('candidates')}</h4>
    {lookup.candidates.length === 0 ? (
      <Banner tone="info" title={w('noMatch')} locale={ctx.locale} kind="lookup-none-matched" />
    ) : (
      <>
        {lookup.candidates.length > 1 ? <p class="small">{w('same')}</p> : null}
        <ol class="candidates">
          {lookup.candidates.map((c, i) => (
            <CandidateItem c={c} n={i + 1} tap={tap} ctx={ctx} w={w} />
          ))}
        </ol>
      </>
    )}
    {lookup.complete ? null : (
      <Banner tone="warning" title={w('incomplete')} locale={ctx.locale} kind="lookup-incomplete" />
    )}
    <form method="post" action="/tablet/lookup/none">
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <Tap tap={tap} />
      <Button variant="secondary" action="lookup-none">
        {w('none')}
      </Button>
    </form>
  </div>
);

const DemoPairs: FC<{ readonly pairs: readonly DemoNamesake[]; readonly w: LookupSay }> = ({ pairs, w }) => (
  <details class="demo" data-demo-namesakes>
    <summary>{w('demoTitle')}</summary>
    {pairs.map((p) => (
      <SummaryList
        rows={[
          { key: w('nameKana'), id: 'demo-kana', value: p.nameKana },
          { key: w('nameKanji'), id: 'demo-kanji', value: p.nameKanji },
          { key: w('birthDate'), id: 'demo-birth', value: p.birthDate },
          { key: w('sex'), id: 'demo-sex', value: w(`sex.${p.sex}`) },
          { key: w('demoTowns'), id: 'demo-towns', value: p.towns.join(' / ') },
        ]}
      />
    ))}
  </details>
);

/**
 * The card-less lookup of the unknown patient on screen (issue 13): the two ways to ask (four basic
 * items, insurer number), each field with its label, hint and inline error and the crew's input kept;
 * the answer's candidates with score, "weak match" and what tells them apart, each confirmed only by
 * the crew's explicit two-step choice; "none of these" keeps the patient unknown.
 */
export const LookupPanel: FC<{
  readonly s: CardSession;
  readonly ctx: PanelContext;
  readonly demo: readonly DemoNamesake[] | undefined;
}> = ({ s, ctx, demo }) => {
  if (s.origin !== 'crew' || !mayLookUp(s)) return null;
  const w = lookupSayer(ctx.locale);
  const lookup = s.lookup;
  return (
    <section class="lookup" data-lookup={lookup?.status ?? 'none'} aria-labelledby="lookup-title">
      <h3 id="lookup-title">{w('title')}</h3>
      <p class="small">{w('intro')}</p>
      {lookup?.status === 'searching' ? <p data-lookup-searching>{w('searching')}</p> : null}
      {lookup?.status === 'failed' && lookup.failure !== undefined ? (
        <Banner
          tone="warning"
          title={w(`failed.${lookup.failure}`)}
          locale={ctx.locale}
          kind={`lookup-${lookup.failure}`}
          alert
        />
      ) : null}
      {lookup?.status === 'answered' ? <Answer lookup={lookup} tap={s.tap} ctx={ctx} w={w} /> : null}
      <FourItems s={s} ctx={ctx} w={w} />
      <InsurerNumber s={s} ctx={ctx} w={w} />
      {demo === undefined || demo.length === 0 ? null : <DemoPairs pairs={demo} w={w} />}
    </section>
  );
};

/**
 * A card tapped while an unknown patient was on screen: the crew may attach it to that patient
 * (explicitly; never done for them). The session refuses it when that patient is already identified.
 */
export const AttachCard: FC<{
  readonly s: CardSession;
  readonly target: CardSession | undefined;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ s, target, ctx, say }) => {
  if (target === undefined) return null;
  const w = lookupSayer(ctx.locale);
  return (
    <form method="post" action="/tablet/card/attach" class="attach-card" data-attach-to={target.tap}>
      <input type="hidden" name="_csrf" value={ctx.csrf} />
      <Tap tap={s.tap} />
      <input type="hidden" name="patient" value={target.tap} />
      <p class="small">{w('attachHint')}</p>
      <Button variant="secondary" action="attach-card">
        {w('attach', { patient: patientLabel(target, say) })}
      </Button>
    </form>
  );
};
