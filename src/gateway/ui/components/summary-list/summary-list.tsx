import type { Child, FC } from 'hono/jsx';

export interface SummaryRow {
  readonly key: string;
  readonly value: Child;
  /** A stable hook for tests (`data-row`). */
  readonly id?: string;
}

/** Facts as key/value pairs (GOV.UK summary list): destination, case, consent basis, age and sex. */
export const SummaryList: FC<{ readonly rows: readonly SummaryRow[] }> = ({ rows }) => (
  <dl class="summary-list">
    {rows.map((r) => (
      <>
        <dt class="summary-list__key" data-row-key={r.id}>
          {r.key}
        </dt>
        <dd class="summary-list__value" data-row={r.id}>
          {r.value}
        </dd>
      </>
    ))}
  </dl>
);
