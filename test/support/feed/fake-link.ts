import { ok } from '../../../src/core/index.js';
import type { FeedLink, Timers } from '../../../src/hospital-feed/index.js';

/** A link that is always up, records what is published and lets the test deliver messages. */
export const fakeLink = () => {
  const published: string[] = [];
  /** The bytes of each publish, in the order of `published`. */
  const payloads: Uint8Array[] = [];
  let deliver: (topic: string, payload: Uint8Array) => Promise<void> = () => Promise.resolve();
  const link: FeedLink = {
    isUp: true,
    receiveMaximum: undefined,
    publish: (topic, payload) => (
      published.push(topic),
      payloads.push(payload),
      Promise.resolve(ok(undefined))
    ),
    subscribe: () => Promise.resolve(ok(undefined)),
    onMessage: (handler) => void (deliver = handler),
    on: () => undefined,
  };
  return { link, published, payloads, deliver: (bytes: Uint8Array) => deliver('inbox', bytes) };
};

/** Timers the test fires by hand. */
export const manualTimers = () => {
  const pending = new Map<number, () => void>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (fn) => (pending.set(++next, fn), next),
    clearTimeout: (h) => void pending.delete(h as number),
  };
  const fireAll = (): void => {
    const due = [...pending.entries()];
    pending.clear();
    for (const [, fn] of due) fn();
  };
  return { timers, fireAll, pending };
};
