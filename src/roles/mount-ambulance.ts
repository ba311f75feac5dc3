import type { AmbulanceConfig } from '../config/index.js';
import { loadConfiguredDrugCatalogue, startAmbulanceReader } from './ambulance.js';
import { mountFeed } from './feed.js';
import type { RoleOptions, RolePart } from './runtime.js';
import { mountSummaryCache } from './summary-cache.js';
import { ATTACHMENT_UPLOAD_PATH, mountTablet } from './tablet/index.js';

/** The ambulance: card reader, summary cache, outbox to the hospitals and the tablet's screens. */
export const ambulancePart = (config: AmbulanceConfig, options: RoleOptions): RolePart => ({
  // The tablet's photos arrive whole in one multipart post, before they are re-encoded.
  uploadLimits: new Map([[ATTACHMENT_UPLOAD_PATH, config.attachments.maxUploadMiB * 2 ** 20 + 64 * 1024]]),
  mount: async (ctx) => {
    const cache = mountSummaryCache(config, ctx);
    const reader = await startAmbulanceReader(config, ctx);
    const feed = await mountFeed(config, ctx);
    if (feed?.role !== 'ambulance') throw new Error('the ambulance role needs its hospital feed');
    await mountTablet(config, ctx, {
      reader: reader.service,
      cache,
      feed: feed.feed,
      demo: reader.demo,
      demoTecho: reader.techo,
      drugCatalogue: loadConfiguredDrugCatalogue(config),
      env: options.env,
    });
  },
});
