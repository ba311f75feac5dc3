import { ok } from '../../../src/core/index.js';
import type { FeedLink, Timers } from '../../../src/hospital-feed/index.js';

/** A link that is always up, records what is published and lets the test deliver messages. */
export const fakeLink = () => {
  const published: string[] = [];
  /** The bytes of each publish, in the order of `published`. */
  const payloads: Uint8Array[] = [];
  /** The topics subscribed to, in order. */
  const subscribed: string[] = [];
  let deliver: (topic: string, payload: Uint8Array) => Promise<void> = () => Promise.resolve();
  const link: FeedLink = {
    isUp: true,
    receiveMaximum: undefined,
    publish: (topic, payload) => (
      published.push(topic),
      payloads.push(payload),
      Promise.resolve(ok(undefined))
    ),
    subscribe: (topic) => (subscribed.push(topic), Promise.resolve(ok(undefined))),
    onMessage: (handler) => void (deliver = handler),
    on: () => undefined,
  };
  return {
    link,
    published,
    payloads,
    subscribed,
    deliver: (bytes: Uint8Array) => deliver('inbox', bytes),
    /** A message on a given topic (a presence, say), as the broker would hand it over. */
    deliverOn: (topic: string, bytes: Uint8Array) => deliver(topic, bytes),
  };
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
