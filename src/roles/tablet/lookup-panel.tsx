import type { FC } from 'hono/jsx';
import {
  ActionForm,
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
import { type Candidate } from '../../records/index.js';
import { STRONG_MATCH } from '../../summary/index.js';
import type { LookupDraft } from './lookup-form.js';
import type { LookupState } from './lookup-state.js';
import { lookupSayer, type LookupKey, type LookupSay } from './lookup-text.js';
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

/** The kept draft as the components' form state; errors only on the form of the method that was posted. */
const formState = (lookup: LookupState | undefined, method: LookupDraft['method']): FormState | undefined => {
  if (lookup === undefined || lookup.draft.method !== method) return undefined;
  // The method is the form's own hidden field: every other value as typed.
  const values: Record<string, string> = { ...lookup.draft };
  delete values['method'];
  return { values, errors: lookup.errors };
};

/** A field of a lookup form: its words from the lookup's own, its value and error from the draft. */
interface LookupField {
  readonly name: keyof LookupDraft & LookupKey;
  readonly hint?: LookupKey;
  /** `sex`: the register's two values, or none given. */
  readonly kind?: 'number' | 'tel' | 'sex';
  readonly width: 'short' | 'medium' | 'full';
  /** Not for `sex`: a choice has no length. */
  readonly maxLength?: number;
}

/** Each way to ask, as rows of fields (side by side, wrapping on a narrow screen). */
const FOUR_ITEMS: readonly (readonly LookupField[])[] = [
  [
    { name: 'nameKana', hint: 'nameHint', width: 'full', maxLength: 64 },
    { name: 'nameKanji', width: 'full', maxLength: 64 },
  ],
  [
    { name: 'birthDate', hint: 'birthDateHint', width: 'medium', maxLength: 16 },
    { name: 'sex', kind: 'sex', width: 'medium' },
  ],
  [
    { name: 'address', hint: 'addressHint', width: 'full', maxLength: 200 },
    { name: 'postcode', hint: 'postcodeHint', kind: 'tel', width: 'short', maxLength: 10 },
  ],
];
const INSURER_NUMBER: readonly (readonly LookupField[])[] = [
  [
    { name: 'insurerNumber', hint: 'insurerNumberHint', kind: 'number', width: 'medium', maxLength: 10 },
    { name: 'symbol', width: 'medium', maxLength: 32 },
    { name: 'number', width: 'medium', maxLength: 20 },
    { name: 'branch', hint: 'branchHint', kind: 'number', width: 'short', maxLength: 4 },
  ],
];

/**
 * One way to ask (four basic items, insurer number): the fields with their labels and hints, the
 * crew's input kept and each problem named at its field (the lookup keeps its draft in the session).
 */
const LookupForm: FC<{
  readonly s: CardSession;
  readonly ctx: PanelContext;
  readonly w: LookupSay;
  readonly method: LookupDraft['method'];
  readonly rows: readonly (readonly LookupField[])[];
}> = ({ s, ctx, w, method, rows }) => {
  const kept = { state: formState(s.lookup, method), locale: ctx.locale };
  const hint = (f: LookupField): string | undefined => (f.hint === undefined ? undefined : w(f.hint));
  const labels: Record<string, LabelledField> = Object.fromEntries(
    rows
      .flat()
      .map((f) => [f.name, { label: w(f.name), ...(f.hint === undefined ? {} : { hint: w(f.hint) }) }]),
  );
  return (
    <Form
      action="/tablet/lookup"
      csrf={ctx.csrf}
      id={`lookup-${method}`}
      hidden={{ tap: s.tap, method }}
      fields={labels}
      {...kept}
    >
      <h4>{w(method)}</h4>
      {rows.map((row) => (
        <FieldRow>
          {row.map((f) =>
            f.kind === 'sex' ? (
              <Field
                name={f.name}
                label={w(f.name)}
                kind="select"
                options={(['', 'male', 'female'] as const).map((x) => ({ value: x, label: w(`sex.${x}`) }))}
                width={f.width}
                {...kept}
              />
            ) : (
              <Field
                name={f.name}
                label={w(f.name)}
                hint={hint(f)}
                kind={f.kind ?? 'text'}
                width={f.width}
                {...(f.maxLength === undefined ? {} : { maxLength: f.maxLength })}
                {...kept}
              />
            ),
          )}
        </FieldRow>
      ))}
      <Button action={`lookup-${method}`}>{w('search')}</Button>
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
    <ActionForm
      action="/tablet/lookup/none"
      csrf={ctx.csrf}
      hidden={{ tap }}
      name="lookup-none"
      label={w('none')}
      variant="secondary"
    />
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
      <LookupForm s={s} ctx={ctx} w={w} method="four-items" rows={FOUR_ITEMS} />
      <LookupForm s={s} ctx={ctx} w={w} method="insurer-number" rows={INSURER_NUMBER} />
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
    <div class="attach-card" data-attach-to={target.tap}>
      <ActionForm
        action="/tablet/card/attach"
        csrf={ctx.csrf}
        hidden={{ tap: s.tap, patient: target.tap }}
        hint={w('attachHint')}
        name="attach-card"
        label={w('attach', { patient: patientLabel(target, say) })}
        variant="secondary"
      />
    </div>
  );
};
