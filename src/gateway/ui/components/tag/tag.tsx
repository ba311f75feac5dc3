import type { Child, FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import { wordsOf } from '../text.js';
import { text } from './text.js';

export type TagTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** A short status word in a coloured box (GOV.UK tag): a report state, "on screen", "stale". */
export const Tag: FC<{ readonly tone: TagTone; readonly state?: string; readonly children?: Child }> = ({
  tone,
  state,
  children,
}) => (
  <strong class={`tag tag--${tone}`} data-tag={state}>
    {children}
  </strong>
);

export const Tags: FC<{ readonly children?: Child }> = ({ children }) => <span class="tags">{children}</span>;

export const ACUITY_LEVELS = [1, 2, 3, 4, 5] as const;
export type AcuityLevel = (typeof ACUITY_LEVELS)[number];

/** "2 · 重症": the number, its JTAS colour and the dispatch word; never colour alone. */
export const acuityWords = (level: AcuityLevel, locale: Locale): { jtas: string; dispatch: string } => {
  const w = wordsOf(text, locale);
  return { jtas: w[`jtas.${level}`], dispatch: w[`dispatch.${level}`] };
};

export const AcuityTag: FC<{ readonly level: number; readonly locale: Locale; readonly words?: boolean }> = ({
  level,
  locale,
  words = true,
}) => {
  const known = (ACUITY_LEVELS as readonly number[]).includes(level) ? (level as AcuityLevel) : undefined;
  return (
    <span class={`acuity acuity--${known ?? 'unknown'}`} data-acuity={String(level)}>
      {known === undefined || !words ? String(level) : `${level} · ${acuityWords(known, locale).dispatch}`}
    </span>
  );
};

/** The acuity legend every screen that shows or asks for acuity carries: level, JTAS, dispatch word. */
export const AcuityLegend: FC<{ readonly locale: Locale }> = ({ locale }) => {
  const w = wordsOf(text, locale);
  return (
    <ul class="acuity-legend" aria-label={w.legend} data-acuity-legend>
      {ACUITY_LEVELS.map((l) => (
        <li>
          <AcuityTag level={l} locale={locale} /> {w[`jtas.${l}`]}
        </li>
      ))}
    </ul>
  );
};
