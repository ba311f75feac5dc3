import type { RoleConfig } from '../config/index.js';
import { loadConfiguredDrugCatalogue, startAmbulanceReader } from './ambulance.js';
import { mountDispatch } from './dispatch/index.js';
import { mountFeed } from './feed.js';
import { mountHospitalDispatch } from './hospital/index.js';
import { startRole, type RoleOptions, type RunningRole } from './runtime.js';
import { mountSummaryCache } from './summary-cache.js';
import { mountTriage, openAlertDesk } from './triage/index.js';
import { mountTablet } from './tablet/index.js';

/**
 * Starts one role from a validated configuration. The gateway already serves the role's screen at `/`
 * with labelled empty panels; each part fills its panels through `ctx.gateway.panels` as it lands.
 */
export const startConfiguredRole = (config: RoleConfig, options: RoleOptions): Promise<RunningRole> =>
  startRole(config, options, async (ctx) => {
    switch (config.role) {
      case 'ambulance': {
        const cache = mountSummaryCache(config, ctx);
        const reader = await startAmbulanceReader(config, ctx);
        const feed = await mountFeed(config, ctx);
        if (feed?.role !== 'ambulance') throw new Error('the ambulance role needs its hospital feed');
        mountTablet(config, ctx, {
          reader: reader.service,
          cache,
          feed: feed.feed,
          demo: reader.demo,
          demoTecho: reader.techo,
          drugCatalogue: loadConfiguredDrugCatalogue(config),
          env: options.env,
        });
        break;
      }
      case 'hospital': {
        const feed = await mountFeed(config, ctx);
        if (feed?.role !== 'hospital') throw new Error('the hospital role needs its hospital feed');
        const alerts = openAlertDesk(config, ctx);
        const hospital = await mountHospitalDispatch(config, ctx, feed.receiver, feed.codec, alerts);
        mountTriage({ config, ctx, receiver: feed.receiver, inquiries: hospital.inquiries, alerts });
        break;
      }
      case 'dispatch':
        await mountDispatch(config, ctx);
        break;
      default:
        return config satisfies never;
    }
  });

export type { RunningRole, RoleOptions } from './runtime.js';
