import type { Child, FC } from 'hono/jsx';

export interface TimelineItem {
  readonly label: string;
  /** Already formatted (e.g. "14:03 JST · 3分前"): the caller owns clock and language. */
  readonly time?: string;
  readonly datetime?: string;
  readonly tone?: 'done' | 'current' | 'todo' | 'danger';
  readonly detail?: Child;
  /** A stable hook for tests (`data-step`). */
  readonly step?: string;
}

/** What happened, in order (a report's life, a case's milestones): label, time, detail. */
export const Timeline: FC<{ readonly label: string; readonly items: readonly TimelineItem[] }> = ({
  label,
  items,
}) => (
  <ol class="timeline" aria-label={label}>
    {items.map((i) => (
      <li
        class={`timeline__item timeline__item--${i.tone ?? 'todo'}`}
        data-step={i.step}
        data-tone={i.tone ?? 'todo'}
      >
        <p class="timeline__label">{i.label}</p>
        {i.time === undefined ? null : (
          <time class="timeline__time" datetime={i.datetime}>
            {i.time}
          </time>
        )}
        {i.detail === undefined ? null : <div class="timeline__detail">{i.detail}</div>}
      </li>
    ))}
  </ol>
);
