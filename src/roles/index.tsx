import type { RoleConfig } from '../config/index.js';
import { StatusPage } from '../gateway/pages/status-page.js';
import { startAmbulanceReader } from './ambulance.js';
import { mountFeed } from './feed.js';
import { startRole, type RoleContext, type RoleOptions, type RunningRole } from './runtime.js';
import { mountSummaryCache } from './summary-cache.js';

const TITLES: Readonly<Record<RoleConfig['role'], string>> = {
  ambulance: '救急隊タブレット · Ambulance tablet',
  hospital: '救急外来 トリアージボード · Triage board',
  dispatch: '指令センター · Dispatch',
};

const landingPage = (config: RoleConfig, ctx: RoleContext): void => {
  ctx.app.get('/', (c) =>
    c.html(
      <StatusPage
        title={TITLES[config.role]}
        role={config.role}
        principal={config.id}
        checks={ctx.readiness.report().checks}
      />,
    ),
  );
};

/** Starts one role from a validated configuration. */
export const startConfiguredRole = (config: RoleConfig, options: RoleOptions): Promise<RunningRole> =>
  startRole(config, options, async (ctx) => {
    switch (config.role) {
      case 'ambulance':
        // The records pull (issue #5) writes the summaries it fetches here.
        mountSummaryCache(config, ctx);
        await startAmbulanceReader(config, ctx);
        break;
      case 'hospital':
      case 'dispatch':
        break;
      default:
        return config satisfies never;
    }
    landingPage(config, ctx);
    await mountFeed(config, ctx, options.codec);
  });

export type { RunningRole, RoleOptions } from './runtime.js';
