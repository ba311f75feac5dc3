import type { Child, FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import type { FormState } from '../../form-state.js';
import { Button } from '../button/button.js';
import { FixedValues } from '../form/form.js';
import { wordsOf } from '../text.js';
import { text } from './text.js';

/**
 * A dangerous action in two steps that works without script: the first tap opens (`<details>`) the
 * second step, which says what will happen and holds the real form with a red warning button that
 * posts `confirm=yes`. The route refuses the action without `confirm=yes`, so a stray tap, a replayed
 * form or a missing script can never take it. A refused post (state with errors) comes back open.
 */
export const Confirm: FC<{
  /** The element id (and `data-confirm` hook); the live script keeps it open across refreshes. */
  readonly id: string;
  /** The first step's label, e.g. "搬送先を変更…". */
  readonly open: string;
  readonly title: string;
  /** What will happen, in words ("the report at A is cancelled; B receives it"). */
  readonly consequence: Child;
  readonly action: string;
  readonly csrf: string;
  readonly formId?: string;
  readonly hidden?: Readonly<Record<string, string>>;
  readonly confirmLabel: string;
  readonly locale: Locale;
  readonly state?: FormState | undefined;
  /** Extra fields of the second step (e.g. the hospital to divert to). */
  readonly children?: Child;
}> = (p) => {
  const failed = p.state !== undefined && Object.keys(p.state.errors).length > 0;
  return (
    <details class="confirm" id={p.id} data-confirm={p.id} open={failed ? true : undefined}>
      <summary class="button button--secondary" data-action={`${p.id}-open`}>
        {p.open}
      </summary>
      <div class="confirm__body" role="group" aria-labelledby={`${p.id}-title`}>
        <p class="confirm__title" id={`${p.id}-title`}>
          {wordsOf(text, p.locale).second}: {p.title}
        </p>
        <div class="confirm__consequence">{p.consequence}</div>
        <form method="post" action={p.action} data-form={p.formId}>
          <FixedValues csrf={p.csrf} formId={p.formId} values={p.hidden} />
          {p.children}
          <Button variant="warning" name="confirm" value="yes" action={p.id}>
            {p.confirmLabel}
          </Button>
        </form>
      </div>
    </details>
  );
};
