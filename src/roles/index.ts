import type { RoleConfig } from '../config/index.js';
import { startAmbulanceReader } from './ambulance.js';
import { mountFeed } from './feed.js';
import { startRole, type RoleOptions, type RunningRole } from './runtime.js';
import { mountSummaryCache } from './summary-cache.js';
import { mountTriage } from './triage/index.js';

/**
 * Starts one role from a validated configuration. The gateway already serves the role's screen at `/`
 * with labelled empty panels; each part fills its panels through `ctx.gateway.panels` as it lands.
 */
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
    const feed = await mountFeed(config, ctx);
    if (feed?.role === 'hospital')
      mountTriage({ gateway: ctx.gateway, receiver: feed.receiver, clock: ctx.clock, logger: ctx.logger });
  });

export type { RunningRole, RoleOptions } from './runtime.js';
