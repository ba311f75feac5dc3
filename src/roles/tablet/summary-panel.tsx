import type { Child, FC } from 'hono/jsx';
import { formatJst, type PanelContext } from '../../gateway/index.js';
import type { EmergencySummary, Section } from '../../records/index.js';
import type { Say } from './text.js';

/**
 * One section with its status spelled out: items with the date of the newest record (freshness),
 * "no data" (the source says none are known) or "not available" (we cannot tell): never blank.
 */
const SectionView = <T,>(props: {
  readonly id: string;
  readonly title: string;
  readonly section: Section<T>;
  readonly say: Say;
  readonly item: (item: T) => Child;
}): Child => {
  const { section, say } = props;
  return (
    <div class="section" data-section={props.id} data-status={section.status}>
      <h3>{props.title}</h3>
      {section.status === 'available' ? (
        <>
          <ul>
            {section.items.map((i) => (
              <li>{props.item(i)}</li>
            ))}
          </ul>
          {section.newest === undefined ? null : (
            <p class="fresh">
              {say('summary.newest')}: {section.newest}
            </p>
          )}
          {section.unreadable > 0 ? <p class="error">{say('summary.partial')}</p> : null}
        </>
      ) : section.status === 'none-known' ? (
        <p>{say('summary.none')}</p>
      ) : (
        <p class="error">
          {say('summary.unavailable')} ({section.reason})
        </p>
      )}
    </div>
  );
};

/** Allergies and critical medication flags first: what changes emergency care (BRIEF, paramedic 3). */
export const SummaryView: FC<{
  readonly summary: EmergencySummary;
  readonly source: 'upstream' | 'store';
  readonly fetchedAt: number;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ summary, source, fetchedAt, say }) => (
  <div data-summary>
    <p class="meta">
      {say('records.fetchedAt')}: {formatJst(fetchedAt)}
      {source === 'store' ? <strong data-from-cache> · {say('records.fromCache')}</strong> : null}
    </p>
    <SectionView
      id="allergies"
      title={say('summary.allergies')}
      section={summary.allergies}
      say={say}
      item={(a) => (
        <span class={a.criticality === 'high' ? 'critical' : undefined}>
          <strong>{a.substance}</strong> — {say(`crit.${a.criticality}`)}
          {a.reactions.length > 0 ? ` (${a.reactions.join(', ')})` : ''}
          {a.recorded === undefined ? '' : ` · ${a.recorded}`}
        </span>
      )}
    />
    <div class="section" data-section="flags" data-status={summary.criticalFlags.status}>
      <h3>{say('summary.flags')}</h3>
      {summary.criticalFlags.flags.length === 0 ? (
        <p>{summary.criticalFlags.status === 'unavailable' ? say('summary.unavailable') : '—'}</p>
      ) : (
        <p class="flags">
          {summary.criticalFlags.flags.map((f) => (
            <strong class="flag">{say(`flag.${f}`)}</strong>
          ))}
        </p>
      )}
      {summary.criticalFlags.status === 'partial' ? <p class="error">{say('summary.flagsPartial')}</p> : null}
    </div>
    <SectionView
      id="medications"
      title={say('summary.medications')}
      section={summary.medications}
      say={say}
      item={(m) => (
        <span>
          {m.japaneseName ?? m.genericName}
          {m.japaneseName === undefined ? '' : ` (${m.genericName})`}
          {m.dose === undefined ? '' : ` · ${m.dose}`}
          {m.lastDispensed === undefined ? '' : ` · ${m.lastDispensed}`}
          {m.flags.map((f) => (
            <strong class="flag">{say(`flag.${f}`)}</strong>
          ))}
        </span>
      )}
    />
    <SectionView
      id="conditions"
      title={say('summary.conditions')}
      section={summary.conditions}
      say={say}
      item={(c) => `${c.name}${c.icd10 === undefined ? '' : ` (${c.icd10})`}`}
    />
    <SectionView
      id="procedures"
      title={say('summary.procedures')}
      section={summary.procedures}
      say={say}
      item={(p) => `${p.name}${p.performed === undefined ? '' : ` · ${p.performed}`}`}
    />
    <SectionView
      id="results"
      title={say('summary.results')}
      section={summary.results}
      say={say}
      item={(r) => `${r.name}: ${r.value}${r.effective === undefined ? '' : ` · ${r.effective}`}`}
    />
    <SectionView
      id="insurance"
      title={say('summary.insurance')}
      section={summary.insurance}
      say={say}
      item={(i) => `${say(i.eligible ? 'summary.eligible' : 'summary.notEligible')} (${i.status})`}
    />
  </div>
);
