import type { RoleConfig } from '../config/index.js';
import { startAmbulanceReader } from './ambulance.js';
import { mountDispatch } from './dispatch/index.js';
import { mountFeed } from './feed.js';
import { mountHospitalDispatch } from './hospital/index.js';
import { startRole, type RoleOptions, type RunningRole } from './runtime.js';
import { mountSummaryCache } from './summary-cache.js';

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
      case 'hospital': {
        const feed = await mountFeed(config, ctx);
        if (feed?.role === 'hospital') await mountHospitalDispatch(config, ctx, feed.receiver, feed.codec);
        return;
      }
      case 'dispatch':
        await mountDispatch(config, ctx);
        return;
      default:
        return config satisfies never;
    }
    await mountFeed(config, ctx);
  });

export type { RunningRole, RoleOptions } from './runtime.js';
