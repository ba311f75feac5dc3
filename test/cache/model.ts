/**
 * A deliberately simple reference for the summary cache: an array in recency order (least recent
 * first) of entries with their stored size and write time. It restates the bounds the cache
 * promises (entries, bytes, absolute TTL, least recently used out first) without lru-cache's
 * data structures, so the two can be compared operation by operation.
 */
export interface ModelEntry {
  readonly key: string;
  readonly value: string;
  readonly size: number;
  readonly writtenAt: number;
}

export class CacheModel {
  entries: ModelEntry[] = [];

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
    private readonly maxEntryBytes: number,
    private readonly ttlMs: number,
  ) {}

  get bytes(): number {
    return this.entries.reduce((n, e) => n + e.size, 0);
  }

  #stale(e: ModelEntry, now: number): boolean {
    return now - e.writtenAt > this.ttlMs;
  }

  #remove(key: string): void {
    this.entries = this.entries.filter((e) => e.key !== key);
  }

  set(key: string, value: string, size: number, now: number): 'stored' | 'too-large' {
    if (size > this.maxEntryBytes) {
      this.#remove(key);
      return 'too-large';
    }
    const existing = this.entries.some((e) => e.key === key);
    this.#remove(key);
    // A new key beyond the entry bound pushes out the least recent entry, stale or not.
    if (!existing && this.entries.length >= this.maxEntries) this.entries.shift();
    while (this.bytes + size > this.maxBytes) this.entries.shift();
    this.entries.push({ key, value, size, writtenAt: now });
    return 'stored';
  }

  get(key: string, now: number): string | undefined {
    const entry = this.entries.find((e) => e.key === key);
    if (entry === undefined) return undefined;
    this.#remove(key);
    if (this.#stale(entry, now)) return undefined;
    this.entries.push(entry);
    return entry.value;
  }

  purgeSession(session: string): void {
    this.entries = this.entries.filter((e) => !e.key.startsWith(`${session}/`));
  }

  purgeAll(): void {
    this.entries = [];
  }

  sweep(now: number): void {
    this.entries = this.entries.filter((e) => !this.#stale(e, now));
  }
}
