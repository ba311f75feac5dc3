import { formatJst, type Gateway } from '../../gateway/index.js';
import { SummaryList, Tag } from '../../gateway/ui/components/index.js';
import type { AmbulanceFeed, OutcomeRecord } from '../../hospital-feed/index.js';
import { dispositionKey, threadText } from '../thread-text.js';

/** Outcomes past their period are deleted this often (and each read shows none past it anyway). */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The crew's view of what became of its own past patients (issue 16, item 5): the hospital's ICD-10
 * diagnosis, disposition and note, for the configured period after they arrived, then deleted. Each
 * outcome shown is audited once per user (a read of patient data; never its content).
 */
export const mountOutcomes = (deps: {
  readonly gateway: Gateway;
  readonly feed: AmbulanceFeed;
  readonly device: string;
  readonly retentionMs: number;
  readonly hospitalName: (id: string) => string;
  readonly onStop: (fn: () => void) => void;
}): void => {
  const { gateway, feed } = deps;
  const audited = new Set<string>();
  feed.on('thread', () => gateway.live.refresh('outcomes'));
  const purge = (): void => {
    if (feed.threads.purge().ok) gateway.live.refresh('outcomes');
  };
  purge();
  const timer = setInterval(purge, PURGE_EVERY_MS);
  deps.onStop(() => clearInterval(timer));
  gateway.panels.set('outcomes', (p) => {
    const outcomes = feed.threads.outcomes();
    if (outcomes.length === 0) return undefined;
    const w = threadText(p.locale);
    const audit = (o: OutcomeRecord): void => {
      const key = `${p.userId}\n${o.outcomeId}\n${o.receivedAt}`;
      if (audited.has(key)) return;
      audited.add(key);
      gateway.audit.record({
        role: 'crew',
        userId: p.userId,
        device: deps.device,
        action: 'read',
        subject: { kind: 'report', id: o.reportId },
        purpose: 'emergency-exception',
        reason: 'outcome-feedback',
        outcome: 'success',
      });
    };
    return (
      <ul class="outcomes">
        {outcomes.map((o) => {
          audit(o);
          return (
            <li data-outcome={o.reportId}>
              <SummaryList
                rows={[
                  { id: 'hospital', key: w('outcome.hospital'), value: deps.hospitalName(o.peer) },
                  { id: 'report', key: w('outcome.report'), value: o.reportId.slice(0, 8) },
                  {
                    id: 'diagnosis',
                    key: w('outcome.diagnosis'),
                    value: `${o.icd10}${o.diagnosis === undefined ? '' : ` ${o.diagnosis}`}`,
                  },
                  {
                    id: 'disposition',
                    key: w('outcome.disposition'),
                    value: (
                      <Tag tone="info" state={o.disposition}>
                        {w(dispositionKey(o.disposition))}
                      </Tag>
                    ),
                  },
                  ...(o.note === undefined ? [] : [{ id: 'note', key: w('outcome.note'), value: o.note }]),
                  { id: 'decided', key: w('outcome.decidedAt'), value: formatJst(o.decidedAt) },
                  { id: 'until', key: w('outcome.until'), value: formatJst(o.receivedAt + deps.retentionMs) },
                ]}
              />
            </li>
          );
        })}
      </ul>
    );
  });
};
