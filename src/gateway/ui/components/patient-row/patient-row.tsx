import type { Child, FC } from 'hono/jsx';

/**
 * One patient on one line: a lead (acuity or number), a title ("患者 2 · 70代 · 女性"), meta (state,
 * ETA, identity assurance), tags and actions. The columns are a grid, so the parts never run into
 * each other ("デモ救急0165歳") and an action never overlaps the next row.
 */
export const PatientRow: FC<{
  readonly id: string;
  readonly lead?: Child;
  readonly title: Child;
  readonly meta?: Child;
  readonly current?: boolean;
  readonly actions?: Child;
  /** Stable hooks for tests and the live script (`data-report`, `data-state`), never shown. */
  readonly hooks?: Readonly<Record<`data-${string}`, string | undefined>>;
}> = ({ id, lead, title, meta, current = false, actions, hooks = {} }) => (
  <li class="patient-row" data-patient={id} aria-current={current ? 'true' : undefined} {...hooks}>
    <span class="patient-row__lead">{lead}</span>
    <div class="patient-row__main">
      <p class="patient-row__title">{title}</p>
      {meta === undefined ? null : <p class="patient-row__meta">{meta}</p>}
    </div>
    {actions === undefined ? null : <div class="patient-row__actions">{actions}</div>}
  </li>
);

export const PatientList: FC<{ readonly label: string; readonly children?: Child }> = ({
  label,
  children,
}) => (
  <ul class="patient-list" aria-label={label}>
    {children}
  </ul>
);
