import type { FC } from 'hono/jsx';
import { EQUIPMENT, freshnessOf, type HospitalSite, type RankingPolicy } from '../../dispatch/index.js';
import { relativeAge, type PanelContext } from '../../gateway/index.js';
import { words } from '../dispatch-text.js';
import type { BoardEntry } from './status-board.js';

/** Every hospital's last good status, coloured (and labelled: colour is never the only signal) by age. */
export const HospitalsPanel: FC<{
  ctx: PanelContext;
  sites: readonly HospitalSite[];
  entries: ReadonlyMap<string, BoardEntry>;
  policy: RankingPolicy;
  rejected: number;
}> = ({ ctx, sites, entries, policy, rejected }) => {
  const w = words(ctx.locale);
  const rows = sites
    .flatMap((site) => {
      const entry = entries.get(site.id);
      return entry === undefined
        ? []
        : [{ site, entry, freshness: freshnessOf(entry.status, ctx.now, policy) }];
    })
    // Live, signed statuses first: those are the hospitals actually on this broker.
    .sort(
      (a, b) =>
        (a.entry.source === 'signed' ? 0 : 1) - (b.entry.source === 'signed' ? 0 : 1) ||
        b.entry.status.updatedAt - a.entry.status.updatedAt,
    );
  const count = (label: string): number => rows.filter((r) => r.freshness.label === label).length;
  return (
    <>
      <p class="small" data-summary>
        {w.freshness.fresh} {count('fresh')} · {w.freshness.stale} {count('stale')} · {w.freshness.expired}{' '}
        {count('expired')} · {w.w.rejected}: {rejected}
      </p>
      {/* A scrolling table is reached by keyboard too (WCAG 2.1.1): focusable, named as the panel. */}
      <div class="scroll" tabindex={0} role="region" aria-label={ctx.t('panel.hospitals')}>
        <table class="small">
          <thead>
            <tr>
              <th>{w.w.hospital}</th>
              <th>{w.w.erOpen}</th>
              <th>{w.w.beds}</th>
              <th>{w.w.icu}</th>
              <th>{w.w.equipment}</th>
              <th>{w.w.load}</th>
              <th>{w.w.updated}</th>
              <th>{w.w.source}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ site, entry, freshness }) => (
              <tr class={freshness.label} data-hospital={site.id} data-freshness={freshness.label}>
                <td>
                  {site.name}
                  {entry.status.note === undefined ? null : <div class="small">{entry.status.note}</div>}
                </td>
                <td>{entry.status.erOpen ? w.w.open : w.w.closed}</td>
                <td>{entry.status.beds.free}</td>
                <td>{entry.status.beds.icuFree}</td>
                <td>
                  {EQUIPMENT.filter((e) => entry.status.equipment[e])
                    .map((e) => w.equipment[e])
                    .join(' · ')}
                </td>
                <td>{entry.status.loadPercent} %</td>
                <td>
                  {relativeAge(entry.status.updatedAt, ctx.now, ctx.t)}{' '}
                  <span class="freshness-tag">{w.freshness[freshness.label]}</span>
                </td>
                <td>{entry.source === 'signed' ? w.w.signed : w.w.sample}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
};
