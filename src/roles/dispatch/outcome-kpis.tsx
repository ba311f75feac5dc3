import type { FC } from 'hono/jsx';
import { DISPOSITIONS, type OutcomeKpis } from '../../dispatch/index.js';
import type { Locale } from '../../gateway/index.js';
import { SummaryList } from '../../gateway/ui/components/index.js';
import { dispositionKey, threadText } from '../thread-text.js';

const WORDS = {
  ja: {
    title: '転帰に基づく指標（病院からの転帰）',
    outcomes: '転帰の届いた事案',
    dispositions: '転帰の内訳',
    strokeToCapable: '脳卒中患者のうち脳卒中対応病院へ搬送',
    strokeConfirmed: '「脳卒中」で指令した事案のうち ER で脳卒中と診断',
    unknown: '病院の状況不明 {n} 件を除く',
  },
  en: {
    title: 'Outcome-based figures (outcomes from hospitals)',
    outcomes: 'Cases with an outcome',
    dispositions: 'Dispositions',
    strokeToCapable: 'Stroke patients taken to a stroke-capable hospital',
    strokeConfirmed: 'Cases dispatched as stroke confirmed as stroke by the ER',
    unknown: 'leaving out {n} whose hospital status was unknown',
  },
} as const;

const share = (n: number, d: number, s: number | null): string =>
  s === null ? '—' : `${n} / ${d} (${Math.round(s * 1000) / 10} %)`;

/** The outcome KPIs (docs/dispatch.md, "Outcome KPIs") under the inquiry KPIs. */
export const OutcomeKpiPanel: FC<{ readonly kpis: OutcomeKpis; readonly locale: Locale }> = ({
  kpis,
  locale,
}) => {
  const w = WORDS[locale];
  const t = threadText(locale);
  const unknown = kpis.stroke.patients - kpis.stroke.known;
  return (
    <section data-outcome-kpis aria-label={w.title}>
      <h3>{w.title}</h3>
      <SummaryList
        rows={[
          { id: 'outcomes', key: w.outcomes, value: String(kpis.outcomes) },
          {
            id: 'dispositions',
            key: w.dispositions,
            value: DISPOSITIONS.map((d) => `${t(dispositionKey(d))} ${kpis.byDisposition[d]}`).join(' · '),
          },
          {
            id: 'strokeToCapable',
            key: w.strokeToCapable,
            value: `${share(kpis.stroke.toStrokeCapable, kpis.stroke.known, kpis.stroke.share)}${
              unknown > 0 ? ` · ${w.unknown.replace('{n}', String(unknown))}` : ''
            }`,
          },
          {
            id: 'strokeConfirmed',
            key: w.strokeConfirmed,
            value: share(kpis.strokeDispatch.confirmed, kpis.strokeDispatch.cases, kpis.strokeDispatch.share),
          },
        ]}
      />
    </section>
  );
};
