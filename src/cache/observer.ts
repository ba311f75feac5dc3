import type { Metrics } from '../metrics/index.js';

/** Why an entry left the cache; bounded vocabulary, safe as a metric label. */
export type RemovalReason = 'capacity' | 'expired' | 'purged' | 'replaced';

/** What the cache reports; counts only, never keys or values. */
export interface CacheObserver {
  hit(): void;
  miss(): void;
  removed(reason: RemovalReason): void;
  size(entries: number, bytes: number): void;
}

export const noopObserver: CacheObserver = {
  hit: () => undefined,
  miss: () => undefined,
  removed: () => undefined,
  size: () => undefined,
};

/** Prometheus counters and gauges for one cache per registry. */
export const cacheMetrics = (metrics: Metrics): CacheObserver => {
  const hits = metrics.counter('ems_summary_cache_hits_total', 'Summary cache reads that found an entry.');
  const misses = metrics.counter('ems_summary_cache_misses_total', 'Summary cache reads that found nothing.');
  const removals = metrics.counter(
    'ems_summary_cache_removals_total',
    'Entries wiped and removed, by reason.',
    ['reason'],
  );
  const entries = metrics.gauge('ems_summary_cache_entries', 'Entries held in the summary cache.');
  const bytes = metrics.gauge('ems_summary_cache_bytes', 'Ciphertext bytes held in the summary cache.');
  return {
    hit: () => hits.inc(),
    miss: () => misses.inc(),
    removed: (reason) => removals.inc({ reason }),
    size: (n, b) => {
      entries.set(n);
      bytes.set(b);
    },
  };
};
