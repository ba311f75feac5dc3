import { err, ok, type Result } from '../core/index.js';

/** What bounds the summary cache. Every bound is required: an unbounded cache of patient data is refused. */
export interface CacheLimits {
  readonly maxEntries: number;
  /** Total bytes of ciphertext held. */
  readonly maxBytes: number;
  /** How long an entry lives after it is written, whether or not it is read (a hard time limit). */
  readonly ttlMs: number;
  /** Largest single entry; `maxBytes` when absent. */
  readonly maxEntryBytes?: number;
}

/** Outer bounds a configuration may not exceed, whatever the operator asks for. */
export const CACHE_CEILINGS = {
  maxEntries: 100_000,
  maxBytes: 1024 * 1024 * 1024,
  ttlMs: 7 * 24 * 3600_000,
} as const;

/** nonce (24) + secretbox MAC (16): the smallest possible stored entry is 41 bytes. */
export const ENTRY_OVERHEAD_BYTES = 40;

export const CacheConfigErrorCode = { INVALID: 'CACHE_CONFIG_INVALID' } as const;
export type CacheConfigErrorCode = (typeof CacheConfigErrorCode)[keyof typeof CacheConfigErrorCode];

export interface CacheConfigProblem {
  readonly field: keyof CacheLimits;
  readonly message: string;
}

/** Refused at start: every problem at once, with a code for the caller and the fields for the operator. */
export class CacheConfigError extends Error {
  override readonly name = 'CacheConfigError';
  readonly code = CacheConfigErrorCode.INVALID;
  constructor(readonly problems: readonly CacheConfigProblem[]) {
    super(`invalid cache limits: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  }
}

const boundedInteger = (value: number, ceiling: number): string | null => {
  if (!Number.isSafeInteger(value)) return 'must be a finite whole number';
  if (value < 1) return 'must be at least 1';
  if (value > ceiling) return `must be at most ${ceiling}`;
  return null;
};

export const validateLimits = (limits: CacheLimits): Result<Required<CacheLimits>, CacheConfigError> => {
  const problems: CacheConfigProblem[] = [];
  const check = (field: keyof CacheLimits, message: string | null): void => {
    if (message !== null) problems.push({ field, message });
  };
  check('maxEntries', boundedInteger(limits.maxEntries, CACHE_CEILINGS.maxEntries));
  check('maxBytes', boundedInteger(limits.maxBytes, CACHE_CEILINGS.maxBytes));
  check('ttlMs', boundedInteger(limits.ttlMs, CACHE_CEILINGS.ttlMs));
  const maxEntryBytes = limits.maxEntryBytes ?? limits.maxBytes;
  if (limits.maxEntryBytes !== undefined)
    check('maxEntryBytes', boundedInteger(limits.maxEntryBytes, CACHE_CEILINGS.maxBytes));
  if (Number.isSafeInteger(maxEntryBytes) && maxEntryBytes <= ENTRY_OVERHEAD_BYTES)
    check('maxEntryBytes', `must exceed the ${ENTRY_OVERHEAD_BYTES}-byte overhead of one entry`);
  if (maxEntryBytes > limits.maxBytes) check('maxEntryBytes', 'must not exceed maxBytes');
  if (problems.length > 0) return err(new CacheConfigError(problems));
  return ok({ ...limits, maxEntryBytes });
};
