/** Retry timing for the outbox: pure functions over plain numbers, so tests need no timers. */
export interface RetryPolicy {
  /** First retry delay after a failed publish. */
  readonly baseDelayMs: number;
  /** Upper bound of any retry delay. */
  readonly maxDelayMs: number;
  /**
   * How long to wait for the hospital's signed acknowledgement after the broker's PUBACK before
   * publishing again. PUBACK is hop-by-hop (field notes): the broker may still lose the message
   * (kill -9 between autosaves, a full queue), so only the acknowledgement ends the retries.
   */
  readonly ackTimeoutMs: number;
  /** How long a publish may wait for its PUBACK before it counts as not sent. */
  readonly publishTimeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  ackTimeoutMs: 30_000,
  publishTimeoutMs: 10_000,
};

/**
 * Exponential backoff with "equal jitter": half the step is fixed, half random, so retries of many
 * reports after a reconnect spread out instead of arriving at the broker together.
 */
export const retryDelay = (attempts: number, policy: RetryPolicy, random: () => number): number => {
  const exponent = Math.min(Math.max(attempts - 1, 0), 20);
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  return Math.round(step / 2 + (step / 2) * random());
};

/** After a PUBACK, when to publish again if no acknowledgement arrives (backs off too). */
export const ackWaitDelay = (attempts: number, policy: RetryPolicy): number =>
  Math.min(policy.maxDelayMs, policy.ackTimeoutMs * 2 ** Math.min(Math.max(attempts - 1, 0), 10));

/**
 * In-flight publishes allowed: never above the server's receive maximum (MQTT 5 CONNACK property
 * 0x21; Mosquitto 2.0 advertises its max_inflight_messages, default 20). MQTT 3.1.1 has no such
 * property, and Mosquitto silently dropped publishes beyond 20 in flight while reporting success
 * (field notes), so 3.1.1 uses a conservative fixed window.
 */
export const MQTT311_INFLIGHT = 10;
export const inFlightWindow = (serverReceiveMaximum: number | undefined, configuredMax: number): number =>
  Math.max(1, Math.min(configuredMax, serverReceiveMaximum ?? MQTT311_INFLIGHT));
