/**
 * When to hand freed heap memory back to the operating system (pure; idle-trim.ts samples the event
 * loop and applies it). glibc keeps what the process frees inside its heaps when they are
 * fragmented: a role process holds 12–20 MiB its start-up (V8's parser and compiler zones) freed,
 * and more after a burst (docs/decisions.md, "Memory of a role process"). Returning it costs a walk
 * over the free lists, so it is done once per busy period, when the process has gone quiet after it,
 * never while it works.
 */
export interface TrimPolicy {
  /** An interval whose event-loop utilization (0–1) is below this counts as quiet. */
  readonly quietBelow: number;
  /** Quiet intervals in a row before a trim. */
  readonly quietIntervals: number;
}

export interface TrimState {
  /** Work happened since the last trim, so freed memory may be waiting. */
  readonly busySinceTrim: boolean;
  readonly quietInARow: number;
}

/** Start-up itself is the first busy period: the process starts with memory to return. */
export const START_STATE: TrimState = { busySinceTrim: true, quietInARow: 0 };

/**
 * One interval's event-loop utilization → the next state, and whether to trim now: after each busy
 * period, once `quietIntervals` quiet intervals have followed it; an idle process trims once only.
 */
export const nextTrimStep = (
  state: TrimState,
  utilization: number,
  policy: TrimPolicy,
): { readonly state: TrimState; readonly trim: boolean } => {
  if (!(utilization < policy.quietBelow))
    return { state: { busySinceTrim: true, quietInARow: 0 }, trim: false };
  const quietInARow = state.quietInARow + 1;
  if (state.busySinceTrim && quietInARow >= policy.quietIntervals)
    return { state: { busySinceTrim: false, quietInARow }, trim: true };
  return { state: { busySinceTrim: state.busySinceTrim, quietInARow }, trim: false };
};
