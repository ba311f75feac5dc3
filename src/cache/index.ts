export { SummaryCache, CacheErrorCode, type SummaryCacheOptions } from './summary-cache.js';
export {
  validateLimits,
  CacheConfigError,
  CacheConfigErrorCode,
  CACHE_CEILINGS,
  ENTRY_OVERHEAD_BYTES,
  type CacheConfigProblem,
  type CacheLimits,
} from './limits.js';
export { cacheMetrics, noopObserver, type CacheObserver, type RemovalReason } from './observer.js';
