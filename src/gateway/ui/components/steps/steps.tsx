import type { FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import { wordsOf } from '../text.js';
import { text } from './text.js';

export interface Step {
  readonly id: string;
  readonly label: string;
  /** Where the step's panel is (`#panel-report`): steps are links, the flow never hides a panel. */
  readonly href?: string;
  readonly state: 'done' | 'current' | 'todo';
}

/**
 * A guided flow's steps (patient → identity → summary → report → destination): where the crew is, what
 * is done, and a link to each. The state is words too (visually hidden), not only the colour or ✓.
 */
export const Steps: FC<{
  readonly label: string;
  readonly steps: readonly Step[];
  readonly locale: Locale;
}> = ({ label, steps, locale }) => {
  const w = wordsOf(text, locale);
  return (
    <nav class="steps" aria-label={label} data-steps>
      <ol>
        {steps.map((s, i) => {
          const inner = (
            <>
              <span class="steps__n" aria-hidden="true">
                {s.state === 'done' ? '✓' : String(i + 1)}
              </span>
              <span class="steps__label">
                {s.label}
                <span class="visually-hidden"> ({w[s.state]})</span>
              </span>
            </>
          );
          return (
            <li data-step={s.id} data-state={s.state}>
              {s.href === undefined ? (
                <span class="steps__step">{inner}</span>
              ) : (
                <a href={s.href} aria-current={s.state === 'current' ? 'step' : undefined}>
                  {inner}
                </a>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
};
