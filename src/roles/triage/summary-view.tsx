import type { Child, FC } from 'hono/jsx';
import { formatJst } from '../../gateway/index.js';
import type {
  NoKnown,
  Summary,
  SummarySectionKey,
  SummarySections,
  WireCriticalFlag,
  WireUnavailableReason,
} from '../../hospital-feed/index.js';
import type { TriageKey, TriageText } from './text.js';

/**
 * The report's records summary at the ER: every section with its status, exactly as the crew's
 * tablet had it (wire v2, docs/protocol.md). "Not available" and "none known" are different words
 * and look different; the words none / なし / None appear for `none-known` only, and the critical
 * flags are "complete" only when every current medication was classified.
 */

type Sections = SummarySections;
type AnySection = Sections[SummarySectionKey];
/** Why a section is not available: the wire's reasons, or no summary in the report at all. */
type Missing = WireUnavailableReason | 'no-summary';

/** The history, after the safety-first block (detail.tsx): medications with their flags, conditions, results. */
export const HISTORY_SECTIONS = [
  'medications',
  'problems',
  'pastIllness',
  'infections',
  'procedures',
  'results',
] as const;

const say = (tt: TriageText, key: TriageKey, vars: Readonly<Record<string, string | number>> = {}): string =>
  Object.entries(vars).reduce((s, [k, v]) => s.replace(`{${k}}`, String(v)), tt(key));

/** A FHIR date as given (2024, 2024-05, 2024-05-01), a dateTime in JST. */
const dateText = (value: string): string => {
  if (value.length <= 10) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : formatJst(ms);
};

const noKnownText = (n: NoKnown, tt: TriageText): string => tt(`noKnown.${n}`);

/** The status line of one section, in words; `undefined` for an available section (its items speak). */
export const statusText = (s: AnySection, tt: TriageText): string | undefined => {
  switch (s.status) {
    case 'available':
      return undefined;
    case 'partial':
      return s.unreadable === undefined
        ? tt('status.mayBeIncomplete')
        : say(tt, 'status.partial', { n: s.unreadable });
    case 'none-known':
      return s.noKnown === undefined || s.noKnown.length === 0
        ? tt('status.noneKnown')
        : s.noKnown.map((n) => noKnownText(n, tt)).join(' · ');
    case 'unavailable':
      return missingText(s.reason ?? 'not-sent', tt);
    default:
      return s.status satisfies never;
  }
};

export const missingText = (reason: Missing, tt: TriageText): string =>
  say(tt, 'status.unavailable', { reason: tt(`missing.${reason}`) });

const Status: FC<{ readonly status: AnySection['status']; readonly text: string }> = ({ status, text }) => (
  <p class={`section-status section-status--${status}`} data-section-status={status}>
    {text}
  </p>
);

/** Newest entry and sources: how fresh and from where, for every section that has something. */
const Provenance: FC<{ readonly s: AnySection; readonly tt: TriageText }> = ({ s, tt }) => {
  if (s.status === 'unavailable') return null;
  const parts = [
    ...(s.newest === undefined ? [] : [`${tt('meta.newest')}: ${dateText(s.newest)}`]),
    ...(s.sources === undefined || s.sources.length === 0
      ? []
      : [`${tt('meta.sources')}: ${s.sources.join(' / ')}`]),
  ];
  return parts.length === 0 ? null : (
    <p class="section-provenance" data-provenance>
      {parts.join(' · ')}
    </p>
  );
};

const join = (parts: readonly (string | undefined)[]): string =>
  parts.filter((p): p is string => p !== undefined && p !== '').join(' · ');

const Items: FC<{
  readonly lines: readonly { readonly main: string; readonly rest: string; readonly critical?: boolean }[];
}> = ({ lines }) =>
  lines.length === 0 ? null : (
    <ul>
      {lines.map((l) => (
        <li class={l.critical === true ? 'critical' : undefined}>
          <strong>{l.main}</strong>
          {l.rest === '' ? '' : ` · ${l.rest}`}
        </li>
      ))}
    </ul>
  );

/** FHIR condition-clinical codes in words; any other text as the source wrote it. */
const CLINICAL = ['active', 'recurrence', 'relapse', 'inactive', 'remission', 'resolved'] as const;
const conditionStatus = (value: string | undefined, tt: TriageText): string | undefined => {
  const known = CLINICAL.find((c) => c === value);
  return known === undefined ? value : tt(`clinical.${known}`);
};

/** Each section's items as lines of text: the name first, then what qualifies it. */
const lines = <K extends SummarySectionKey>(key: K, s: Sections[K], tt: TriageText) => {
  const on = (d: string | undefined) => (d === undefined ? undefined : dateText(d));
  switch (key) {
    case 'allergies':
      return (s as Sections['allergies']).items.map((a) => ({
        main: a.substance,
        critical: a.criticality === 'high',
        rest: join([
          tt(`criticality.${a.criticality}`),
          a.severity === undefined ? undefined : tt(`severity.${a.severity}`),
          tt(`category.${a.category}`),
          a.reactions.join('、'),
          a.note,
          a.verification,
          on(a.date),
          a.source,
        ]),
      }));
    case 'contraindications':
      return (s as Sections['contraindications']).items.map((c) => ({
        main: c.substance,
        critical: true,
        rest: join([c.note, on(c.date), c.source]),
      }));
    case 'medications':
      return (s as Sections['medications']).items.map((m) => ({
        main: m.name,
        critical: m.flags.length > 0,
        rest: join([
          m.dose,
          m.flags.map((f) => tt(`flag.${f}`)).join('・'),
          m.classified ? undefined : tt('med.unclassified'),
          m.current ? undefined : tt('med.past'),
          on(m.date),
          m.source,
        ]),
      }));
    case 'problems':
    case 'pastIllness':
    case 'infections':
      return (s as Sections['problems']).items.map((c) => ({
        main: c.name,
        rest: join([
          conditionStatus(c.clinicalStatus, tt),
          c.onset === undefined ? undefined : `${tt('meta.onset')}: ${dateText(c.onset)}`,
          on(c.date),
          c.source,
        ]),
      }));
    case 'procedures':
      return (s as Sections['procedures']).items.map((p) => ({
        main: p.name,
        rest: join([on(p.performed ?? p.date), p.source]),
      }));
    case 'devices':
      return (s as Sections['devices']).items.map((d) => ({
        main: d.name,
        rest: join([on(d.date), d.source]),
      }));
    case 'advanceDirectives':
    case 'pregnancy':
      return (s as Sections['pregnancy']).items.map((x) => ({
        main: x.text,
        critical: key === 'advanceDirectives',
        rest: join([on(x.date), x.source]),
      }));
    case 'results':
      return (s as Sections['results']).items.map((r) => ({
        main: `${r.name}: ${r.value}`,
        rest: join([on(r.date), r.source]),
      }));
    default:
      return key satisfies never;
  }
};

/** One section: title, status in words, provenance, items, and any "no known X" alongside items. */
export const SectionView: FC<{
  readonly k: SummarySectionKey;
  readonly s: AnySection;
  readonly tt: TriageText;
}> = ({ k, s, tt }) => {
  const status = statusText(s, tt);
  const alongside =
    s.status !== 'none-known' && s.status !== 'unavailable' && s.noKnown !== undefined && s.noKnown.length > 0
      ? s.noKnown.map((n) => noKnownText(n, tt)).join(' · ')
      : undefined;
  return (
    <div data-section={k} data-status={s.status}>
      <h3>{tt(`section.${k}`)}</h3>
      {status === undefined ? null : <Status status={s.status} text={status} />}
      {alongside === undefined ? null : <p data-no-known>{alongside}</p>}
      <Provenance s={s} tt={tt} />
      <Items lines={lines(k, s as never, tt)} />
    </div>
  );
};

/** A section the report did not carry at all (no summary): not available, never none. */
const MissingSection: FC<{ readonly k: SummarySectionKey; readonly tt: TriageText }> = ({ k, tt }) => (
  <div data-section={k} data-status="unavailable">
    <h3>{tt(`section.${k}`)}</h3>
    <Status status="unavailable" text={missingText('no-summary', tt)} />
  </div>
);

/**
 * The critical flags as the ER may trust them. The wire's `complete` is taken only when the
 * medication list itself is whole (available or none known) and lists no unclassified current
 * medication: a contradiction never reads as "complete, none".
 */
export const trustedFlags = (
  summary: Summary,
): {
  readonly status: 'complete' | 'incomplete' | 'unavailable';
  readonly flags: readonly WireCriticalFlag[];
  readonly unclassified: number;
} => {
  const meds = summary.sections.medications;
  const c = summary.criticalFlags;
  const unclassifiedHere = meds.items.filter((m) => m.current && !m.classified).length;
  const unclassified = Math.max(c.unclassified, unclassifiedHere);
  const flags = [...new Set([...c.flags, ...meds.items.filter((m) => m.current).flatMap((m) => m.flags)])];
  if (c.status === 'unavailable' || meds.status === 'unavailable')
    return { status: flags.length > 0 ? 'incomplete' : 'unavailable', flags, unclassified };
  const whole = meds.status === 'available' || meds.status === 'none-known';
  return {
    status: c.status === 'complete' && whole && unclassified === 0 ? 'complete' : 'incomplete',
    flags,
    unclassified,
  };
};

const flagsStatusText = (f: ReturnType<typeof trustedFlags>, tt: TriageText): string | undefined => {
  switch (f.status) {
    case 'complete':
      return f.flags.length === 0 ? tt('flags.noneComplete') : undefined;
    case 'incomplete':
      return f.unclassified > 0
        ? say(tt, 'flags.unclassified', { n: f.unclassified })
        : tt('flags.mayBeIncomplete');
    case 'unavailable':
      return tt('flags.unavailable');
    default:
      return f.status satisfies never;
  }
};

/** The critical medication flags: each flag with the current medications that carry it. */
export const CriticalFlagsView: FC<{ readonly summary: Summary | undefined; readonly tt: TriageText }> = ({
  summary,
  tt,
}) => {
  if (summary === undefined)
    return (
      <div data-section="flags" data-status="unavailable">
        <h3>{tt('detail.criticalMeds')}</h3>
        <Status status="unavailable" text={missingText('no-summary', tt)} />
      </div>
    );
  const f = trustedFlags(summary);
  const text = flagsStatusText(f, tt);
  const current = summary.sections.medications.items.filter((m) => m.current);
  return (
    <div data-section="flags" data-status={f.status}>
      <h3>{tt('detail.criticalMeds')}</h3>
      {text === undefined ? null : (
        <Status
          status={
            f.status === 'complete' ? 'none-known' : f.status === 'incomplete' ? 'partial' : 'unavailable'
          }
          text={text}
        />
      )}
      {f.flags.length === 0 ? null : (
        <ul data-critical-meds>
          {f.flags.map((flag) => (
            <li class="critical" data-flag={flag}>
              <strong>{tt(`flag.${flag}`)}</strong>
              {flagMedications(current, flag)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
};

const flagMedications = (
  meds: readonly { name: string; flags: readonly WireCriticalFlag[] }[],
  flag: WireCriticalFlag,
): Child => {
  const names = meds.filter((m) => m.flags.includes(flag)).map((m) => m.name);
  return names.length === 0 ? '' : `: ${names.join('、')}`;
};

/** The listed sections of a summary, or each one "not available" when the report carries none. */
export const Sections: FC<{
  readonly keys: readonly SummarySectionKey[];
  readonly summary: Summary | undefined;
  readonly tt: TriageText;
}> = ({ keys, summary, tt }) => (
  <>
    {keys.map((k) =>
      summary === undefined ? (
        <MissingSection k={k} tt={tt} />
      ) : (
        <SectionView k={k} s={summary.sections[k]} tt={tt} />
      ),
    )}
  </>
);
