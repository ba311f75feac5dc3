import type { KoffiFunc, load as koffiLoad } from 'koffi';
import { err, ok, type Result } from '../core/index.js';

/** Asks the C library to return free heap pages; `done` gets whether any were returned. */
export type ReturnFreedMemory = (done: (returned: boolean) => void) => void;

/** Why freed memory cannot be returned here: the process then keeps running as before. */
export const TRIM_UNAVAILABLE = {
  /** The FFI package (koffi) has no build for this platform or could not load. */
  noFfi: 'no-ffi',
  /** The C library has no malloc_trim (not glibc: musl, macOS, Windows). */
  notGlibc: 'not-glibc',
} as const;
export type TrimUnavailable = (typeof TRIM_UNAVAILABLE)[keyof typeof TRIM_UNAVAILABLE];

/**
 * glibc's `malloc_trim(0)` through koffi (the one FFI dependency, docs/decisions.md), called on
 * libuv's thread pool so the event loop never waits for it: after a burst the walk over the free
 * lists and the madvise calls take 70–100 ms (measured on a 180 MiB fragmented heap). glibc takes each
 * arena's lock while it trims it, so threads that allocate meanwhile wait for that arena only.
 * Loaded on first use, so a process that never goes quiet never loads the FFI.
 */
export const loadReturnFreedMemory = async (): Promise<Result<ReturnFreedMemory, TrimUnavailable>> => {
  let load: typeof koffiLoad;
  try {
    ({ load } = await import('koffi'));
  } catch {
    return err(TRIM_UNAVAILABLE.noFfi);
  }
  let trim: KoffiFunc<(pad: number) => number>;
  try {
    // The process's own symbols (dlopen(NULL)): the C library it already runs on, whatever its file name.
    trim = load(null).func('int malloc_trim(size_t pad)') as KoffiFunc<(pad: number) => number>;
  } catch {
    return err(TRIM_UNAVAILABLE.notGlibc);
  }
  return ok((done) => {
    // pad 0: keep nothing spare at the top of the main heap (glibc malloc_trim(3)).
    trim.async(0, (error: unknown, returned) => done(error === null && returned === 1));
  });
};
