import type { FC } from 'hono/jsx';
import { Steps, type PanelContext, type Step } from '../../gateway/index.js';
import type { CardSession } from './state.js';
import type { Say } from './text.js';

type StepId = 'patient' | 'identity' | 'summary' | 'report' | 'status';

/** Where a patient's flow stands: patient → identity and consent → summary → report → destination. */
export const flowPosition = (s: CardSession | undefined): StepId => {
  if (s === undefined) return 'patient';
  if (s.reports.length > 0) return 'status';
  switch (s.phase.kind) {
    case 'card-present':
    case 'reading':
    case 'read-failed':
    case 'removed':
    case 'identified':
      return 'identity';
    case 'fetching':
      return 'summary';
    case 'records':
      return s.phase.outcome.code === 'ok' ? 'summary' : 'report';
    case 'unidentified':
      return 'report';
    default:
      return s.phase satisfies never;
  }
};

const ORDER: readonly StepId[] = ['patient', 'identity', 'summary', 'report', 'status'];
const HREF: Readonly<Record<StepId, string>> = {
  patient: '#panel-card',
  identity: '#identity',
  summary: '#panel-summary',
  report: '#report-form',
  status: '#panel-report',
};

/** The guided flow's steps for the patient on screen, each a link to where it is done. */
export const FlowSteps: FC<{
  readonly s: CardSession | undefined;
  readonly ctx: PanelContext;
  readonly say: Say;
}> = ({ s, ctx, say }) => {
  const at = ORDER.indexOf(flowPosition(s));
  const steps: Step[] = ORDER.map((id, i) => ({
    id,
    label: say(`steps.${id}`),
    href: HREF[id],
    state: i < at ? 'done' : i === at ? 'current' : 'todo',
  }));
  return <Steps label={say('steps.label')} steps={steps} locale={ctx.locale} />;
};
