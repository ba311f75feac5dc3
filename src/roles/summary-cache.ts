import { SummaryCache, cacheMetrics } from '../cache/index.js';
import type { AmbulanceConfig } from '../config/index.js';
import type { RoleContext } from './runtime.js';

/** Expired entries are wiped at least this often, even if nothing touches them. */
const SWEEP_EVERY_MS = 15_000;

/**
 * The ambulance's summary cache from `config.cache`. Limits the schema let through but the cache
 * refuses (it checks more than ranges) stop the start; on stop every entry and the key are wiped.
 */
export const mountSummaryCache = (config: AmbulanceConfig, ctx: RoleContext): SummaryCache => {
  const created = SummaryCache.create({
    maxEntries: config.cache.maxEntries,
    maxBytes: config.cache.maxBytes,
    ttlMs: config.cache.ttlSeconds * 1000,
    clock: ctx.clock,
    observer: cacheMetrics(ctx.metrics),
  });
  if (!created.ok) throw created.error;
  const cache = created.value;
  const sweep = setInterval(() => cache.sweep(), SWEEP_EVERY_MS);
  sweep.unref();
  ctx.onStop(() => {
    clearInterval(sweep);
    cache.close();
  });
  return cache;
};
