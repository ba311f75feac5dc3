import type { FC } from 'hono/jsx';
import { formatJst, type Locale } from '../../gateway/index.js';
import { Button, Field, Form, SummaryList } from '../../gateway/ui/components/index.js';
import type { FormState } from '../../gateway/ui/form-state.js';
import {
  DISPOSITIONS,
  MAX_MESSAGE_CHARS,
  type BoardReport,
  type OutcomeRecord,
  type ThreadEntry,
} from '../../hospital-feed/index.js';
import { Conversation } from '../thread-view.js';
import { dispositionKey, threadText } from '../thread-text.js';
import { reportPath } from './board.js';

export const threadFormId = (r: BoardReport): string => `thread:${r.unitId}:${r.reportId}`;
export const outcomeFormId = (r: BoardReport): string => `outcome:${r.unitId}:${r.reportId}`;

export interface ThreadBodyProps {
  readonly r: BoardReport;
  readonly entries: readonly ThreadEntry[];
  readonly outcome: OutcomeRecord | undefined;
  readonly csrf: string;
  readonly locale: Locale;
  readonly form: (id: string) => FormState | undefined;
}

/**
 * What the messages section shows: the conversation with the crew (while the report is open), then,
 * after handover, the outcome form (ICD-10, diagnosis, disposition, a note) and what was sent.
 */
export const ThreadBody: FC<ThreadBodyProps> = ({ r, entries, outcome, csrf, locale, form }) => {
  const w = threadText(locale);
  const base = reportPath(r);
  const closed = r.handedOver || r.status === 'cancelled';
  const state = form(outcomeFormId(r));
  return (
    <>
      <Conversation
        side="hospital"
        entries={entries}
        base={`${base}/thread`}
        formId={threadFormId(r)}
        csrf={csrf}
        locale={locale}
        state={form(threadFormId(r))}
        closed={closed}
      />
      {!r.handedOver ? null : (
        <section data-outcome aria-label={w('outcome.title')}>
          <h3>{w('outcome.title')}</h3>
          {outcome === undefined ? null : (
            <SummaryList
              rows={[
                {
                  id: 'outcome-diagnosis',
                  key: w('outcome.diagnosis'),
                  value: `${outcome.icd10}${outcome.diagnosis === undefined ? '' : ` ${outcome.diagnosis}`}`,
                },
                {
                  id: 'outcome-disposition',
                  key: w('outcome.disposition'),
                  value: w(dispositionKey(outcome.disposition)),
                },
                { id: 'outcome-sent', key: w('outcome.sent'), value: formatJst(outcome.decidedAt) },
              ]}
            />
          )}
          <Form
            action={`${base}/outcome`}
            csrf={csrf}
            id={outcomeFormId(r)}
            locale={locale}
            state={state}
            fields={{
              icd10: { label: w('outcome.icd10') },
              diagnosis: { label: w('outcome.diagnosis') },
              disposition: { label: w('outcome.disposition') },
              note: { label: w('outcome.note') },
            }}
          >
            <Field
              name="icd10"
              label={w('outcome.icd10')}
              hint={w('outcome.icd10Hint')}
              width="short"
              maxLength={7}
              value={outcome?.icd10 ?? ''}
              state={state}
              locale={locale}
            />
            <Field
              name="diagnosis"
              label={w('outcome.diagnosis')}
              maxLength={200}
              value={outcome?.diagnosis ?? ''}
              state={state}
              locale={locale}
            />
            <Field
              name="disposition"
              kind="select"
              label={w('outcome.disposition')}
              value={outcome?.disposition ?? 'admitted'}
              options={DISPOSITIONS.map((d) => ({ value: d, label: w(dispositionKey(d)) }))}
              state={state}
              locale={locale}
            />
            <Field
              name="note"
              kind="textarea"
              label={w('outcome.note')}
              hint={w('outcome.noteHint')}
              maxLength={MAX_MESSAGE_CHARS}
              value={outcome?.note ?? ''}
              state={state}
              locale={locale}
            />
            <Button action="outcome-send">{w('outcome.send')}</Button>
          </Form>
        </section>
      )}
    </>
  );
};

/**
 * The triage detail's messages section: a live region refreshed by the live script from its own
 * address (`data-panel-src`) when the `thread` event comes (the event names the section, not the report).
 */
export const ThreadSection: FC<ThreadBodyProps> = (props) => (
  <section
    class="panel"
    id="panel-thread"
    data-panel="thread"
    data-panel-src={`${reportPath(props.r)}/thread`}
    aria-live="polite"
  >
    <h2>{threadText(props.locale)('thread.title')}</h2>
    <div data-panel-body>
      <ThreadBody {...props} />
    </div>
  </section>
);
