import type { Child, FC } from 'hono/jsx';
import {
  Banner,
  fill,
  formatJst,
  SummaryList,
  Tag,
  Tags,
  type Locale,
  type PanelContext,
  type SummaryRow,
} from '../../gateway/index.js';
import type { Condition, EmergencySummary, Provenance, Section } from '../../summary/index.js';
import type { Say } from './text.js';

const DAY_MS = 86_400_000;

/** Whole days from a FHIR date (a day, a month or a year) to the fetch time (data age). */
export const ageInDays = (date: string, fetchedAt: number): number | undefined => {
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(date);
  if (m === null) return undefined;
  const at = Date.UTC(Number(m[1]), Number(m[2] ?? '1') - 1, Number(m[3] ?? '1'));
  const days = Math.floor((fetchedAt - at) / DAY_MS);
  return Number.isFinite(days) && days >= 0 ? days : undefined;
};

/** "12日前", "3か月前", "2年前": how old a record is, in the crew's words, not a date to subtract. */
export const dataAge = (days: number, say: Say): string => {
  if (days < 60) return fill(say('ago.days'), { n: days });
  if (days < 730) return fill(say('ago.months'), { n: Math.floor(days / 30.44) });
  return fill(say('ago.years'), { n: Math.floor(days / 365.25) });
};

/**
 * When a section's newest record is old enough to warn about: a medication list three months old may
 * no longer be what the patient takes (prescriptions in Japan run up to 90 days); problems, results
 * and eligibility after a year. Allergies, surgeries and devices do not go stale by age.
 */
export const STALE_AFTER_DAYS = { medications: 90, problems: 365, results: 365, insurance: 365 } as const;
export type StaleSection = keyof typeof STALE_AFTER_DAYS;

/** The sections whose newest record is older than their limit, with its age in days. */
export const staleSections = (
  summary: EmergencySummary,
  fetchedAt: number,
): { readonly section: StaleSection; readonly days: number }[] =>
  (Object.keys(STALE_AFTER_DAYS) as StaleSection[]).flatMap((section) => {
    const s = summary[section];
    if (s.status === 'unavailable' || s.newest === undefined) return [];
    const days = ageInDays(s.newest, fetchedAt);
    return days !== undefined && days > STALE_AFTER_DAYS[section] ? [{ section, days }] : [];
  });

/** The item's own date and the document it came from. */
const From: FC<{ readonly p: Provenance }> = ({ p }) => {
  const doc = [p.document, p.organisation].filter((x) => x !== undefined).join(' · ');
  const parts = [p.date, doc].filter((x) => x !== undefined && x !== '');
  return parts.length === 0 ? null : <small class="provenance"> · {parts.join(' · ')}</small>;
};

/**
 * One section with its status spelled out, never blank: items (partial: a warning banner "N entries
 * unreadable"), "none known" only when the source said so (with "no known FOOD allergy" and the like),
 * or "not available" as a status tag with the reason, visibly different. Newest date with its age,
 * and the sources, as a summary list.
 */
const SectionView = <T,>(props: {
  readonly id: string;
  readonly title: string;
  readonly section: Section<T>;
  readonly say: Say;
  readonly locale: Locale;
  readonly fetchedAt: number;
  readonly item: (item: T) => Child;
}): Child => {
  const { section, say } = props;
  const noKnown =
    section.status === 'unavailable' || section.noKnown === undefined ? null : (
      <p class="no-known" data-no-known={section.noKnown.join(' ')}>
        {section.noKnown.map((n) => say(`summary.noKnown.${n}`)).join(' · ')}
      </p>
    );
  const facts: SummaryRow[] =
    section.status === 'unavailable'
      ? []
      : [
          ...(section.newest === undefined
            ? []
            : [
                {
                  id: 'newest',
                  key: say('summary.newest'),
                  value: (() => {
                    const age = ageInDays(section.newest, props.fetchedAt);
                    return `${section.newest}${age === undefined ? '' : ` (${dataAge(age, say)})`}`;
                  })(),
                },
              ]),
          ...(section.sources.length === 0
            ? []
            : [{ id: 'sources', key: say('summary.sources'), value: section.sources.join(' / ') }]),
        ];
  const meta = facts.length === 0 ? null : <SummaryList rows={facts} />;
  return (
    <section
      class="section"
      data-section={props.id}
      data-status={section.status}
      data-reason={section.status === 'unavailable' ? section.reason : undefined}
      data-unreadable={section.status === 'partial' ? section.unreadable : undefined}
    >
      <h3>{props.title}</h3>
      {section.status === 'available' || section.status === 'partial' ? (
        <>
          {section.status === 'partial' ? (
            <Banner
              tone="warning"
              kind="partial"
              locale={props.locale}
              title={`${section.unreadable} ${say('summary.partial')}`}
            />
          ) : null}
          {noKnown}
          <ul>
            {section.items.map((i) => (
              <li>{props.item(i)}</li>
            ))}
          </ul>
          {meta}
        </>
      ) : section.status === 'none-known' ? (
        <>
          {noKnown ?? <p class="none-known">{say('summary.none')}</p>}
          {meta}
        </>
      ) : (
        <p class="unavailable">
          <Tag tone="warning" state="unavailable">
            {say('summary.unavailable')}
          </Tag>{' '}
          {say(`summary.reason.${section.reason}`)}
        </p>
      )}
    </section>
  );
};

/**
 * FHIR Coverage.status (fm-status: active | cancelled | draft | entered-in-error) in the crew's words; a
 * code outside that value set is shown as the source sent it rather than hidden.
 */
const COVERAGE_STATUS = {
  active: 'summary.coverage.active',
  cancelled: 'summary.coverage.cancelled',
  draft: 'summary.coverage.draft',
  'entered-in-error': 'summary.coverage.entered-in-error',
} as const;
const coverageStatus = (status: string, say: Say): string =>
  Object.hasOwn(COVERAGE_STATUS, status)
    ? say(COVERAGE_STATUS[status as keyof typeof COVERAGE_STATUS])
    : status;

/** FHIR Condition.clinicalStatus (condition-clinical code system) in the crew's words, never the code. */
const conditionItem =
  (say: Say) =>
  (c: Condition): Child => (
    <span>
      {c.name}
      {c.value === undefined ? '' : `: ${c.value}`}
      {c.clinicalStatus === undefined ? '' : ` [${say(`summary.clinical.${c.clinicalStatus}`)}]`}
      {c.onset === undefined ? '' : ` · ${c.onset}`}
      <From p={c.provenance} />
    </span>
  );

const Flags: FC<{ readonly summary: EmergencySummary; readonly say: Say; readonly locale: Locale }> = ({
  summary,
  say,
  locale,
}) => {
  const f = summary.criticalFlags;
  return (
    <section class="section" data-section="flags" data-status={f.status} data-unclassified={f.unclassified}>
      <h3>{say('summary.flags')}</h3>
      {f.flags.length > 0 ? (
        <p class="flags">
          <Tags>
            {f.flags.map((flag) => (
              <Tag tone="danger" state={flag}>
                {say(`flag.${flag}`)}
              </Tag>
            ))}
          </Tags>
        </p>
      ) : null}
      {f.status === 'unavailable' ? (
        <p class="unavailable">
          <Tag tone="warning" state="unavailable">
            {say('summary.unavailable')}
          </Tag>
        </p>
      ) : f.status === 'incomplete' ? (
        // Never "complete" over something unclassified: the crew sees the list may miss a class.
        <Banner
          tone="warning"
          kind="flags-incomplete"
          locale={locale}
          title={`${say('summary.flagsIncomplete')}${
            f.unclassified > 0 ? `: ${f.unclassified} ${say('summary.notClassified')}` : ''
          }${summary.medications.status === 'partial' ? ` · ${say('summary.flagsPartial')}` : ''}`}
        />
      ) : f.flags.length === 0 ? (
        <p>{say('summary.flagsNone')}</p>
      ) : null}
    </section>
  );
};

/** Allergies and critical medication flags first: what changes emergency care (BRIEF, paramedic 3). */
export const SummaryView: FC<{
  readonly summary: EmergencySummary;
  readonly source: 'upstream' | 'store';
  readonly fetchedAt: number;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ summary, source, fetchedAt, ctx, say }) => {
  const common = { say, fetchedAt, locale: ctx.locale };
  return (
    <div data-summary>
      <p class="meta">
        {say('records.fetchedAt')}: {formatJst(fetchedAt)}
        {source === 'store' ? <strong data-from-cache> · {say('records.fromCache')}</strong> : null}
      </p>
      <SectionView
        id="allergies"
        title={say('summary.allergies')}
        section={summary.allergies}
        {...common}
        item={(a) => (
          <span class={a.criticality === 'high' ? 'critical' : undefined}>
            <strong>{a.substance}</strong> — {say(`crit.${a.criticality}`)}
            {a.severity === undefined ? '' : ` · ${say(`sev.${a.severity}`)}`}
            {a.reactions.length > 0 ? ` (${a.reactions.join(', ')})` : ''}
            {a.note === undefined ? '' : ` “${a.note}”`}
            {a.verification === undefined ? '' : ` [${a.verification}]`}
            <From p={a.provenance} />
          </span>
        )}
      />
      <SectionView
        id="contraindications"
        title={say('summary.contraindications')}
        section={summary.contraindications}
        {...common}
        item={(c) => (
          <span>
            <strong>{c.substance}</strong>
            {c.note === undefined ? '' : ` — ${c.note}`}
            <From p={c.provenance} />
          </span>
        )}
      />
      <Flags summary={summary} say={say} locale={ctx.locale} />
      <SectionView
        id="medications"
        title={say('summary.medications')}
        section={summary.medications}
        {...common}
        item={(m) => (
          <span class={m.current ? undefined : 'past'} data-current={String(m.current)}>
            {m.current ? '' : `(${say('summary.past')}) `}
            {m.japaneseName ?? m.name}
            {m.japaneseName === undefined || m.japaneseName === m.name ? '' : ` (${m.name})`}
            {m.dose === undefined ? '' : ` · ${m.dose}`}
            {m.flags.length === 0 ? null : (
              <>
                {' '}
                <Tags>
                  {m.flags.map((f) => (
                    <Tag tone="danger" state={f}>
                      {say(`flag.${f}`)}
                    </Tag>
                  ))}
                </Tags>{' '}
              </>
            )}
            {m.classified ? null : <em class="unclassified"> [{say('summary.unclassified')}]</em>}
            <From p={m.provenance} />
          </span>
        )}
      />
      <SectionView
        id="problems"
        title={say('summary.problems')}
        section={summary.problems}
        {...common}
        item={conditionItem(say)}
      />
      <SectionView
        id="pastIllness"
        title={say('summary.pastIllness')}
        section={summary.pastIllness}
        {...common}
        item={conditionItem(say)}
      />
      <SectionView
        id="infections"
        title={say('summary.infections')}
        section={summary.infections}
        {...common}
        item={conditionItem(say)}
      />
      <SectionView
        id="procedures"
        title={say('summary.procedures')}
        section={summary.procedures}
        {...common}
        item={(p) => (
          <span>
            {p.name}
            {p.performed === undefined ? '' : ` · ${p.performed}`}
            <From p={p.provenance} />
          </span>
        )}
      />
      <SectionView
        id="devices"
        title={say('summary.devices')}
        section={summary.devices}
        {...common}
        item={(d) => (
          <span>
            {d.name}
            <From p={d.provenance} />
          </span>
        )}
      />
      <SectionView
        id="advanceDirectives"
        title={say('summary.advanceDirectives')}
        section={summary.advanceDirectives}
        {...common}
        item={(d) => (
          <span>
            <strong>{d.text}</strong>
            <From p={d.provenance} />
          </span>
        )}
      />
      <SectionView
        id="pregnancy"
        title={say('summary.pregnancy')}
        section={summary.pregnancy}
        {...common}
        item={(p) => (
          <span>
            {p.text}
            <From p={p.provenance} />
          </span>
        )}
      />
      <SectionView
        id="results"
        title={say('summary.results')}
        section={summary.results}
        {...common}
        item={(r) => (
          <span>
            {r.name}: {r.value}
            <From p={r.provenance} />
          </span>
        )}
      />
      <SectionView
        id="insurance"
        title={say('summary.insurance')}
        section={summary.insurance}
        {...common}
        item={(i) => (
          <span>
            {say(i.eligible ? 'summary.eligible' : 'summary.notEligible')} ({coverageStatus(i.status, say)})
            {i.kind === undefined ? '' : ` · ${i.kind}`}
            <From p={i.provenance} />
          </span>
        )}
      />
    </div>
  );
};
