/** Polls until the predicate holds (no fixed sleeps in tests); throws with the label after the timeout. */
export const waitFor = async <T>(
  probe: () => T | undefined | Promise<T | undefined>,
  label: string,
  timeoutMs = 15_000,
  intervalMs = 25,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
