import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

/**
 * What the screens are told: a panel changed, the broker link went up or down (the "live" badge must
 * not say live while reports cannot move), or the session is over. Never patient data.
 */
export type LiveEvent =
  | { readonly type: 'panel'; readonly id: string }
  | { readonly type: 'link'; readonly state: LinkState }
  | { readonly type: 'logout' };

export type LinkState = 'up' | 'down';

/** Fans events out to every open /events stream of this instance. */
export class LiveHub {
  readonly #listeners = new Set<(event: LiveEvent) => void>();
  #link: LinkState | undefined;

  /** The broker link as last told (undefined where this instance has none). */
  get link(): LinkState | undefined {
    return this.#link;
  }

  /** The broker link changed: every open screen's badge follows. */
  setLink(state: LinkState): void {
    if (state === this.#link) return;
    this.#link = state;
    this.publish({ type: 'link', state });
  }

  publish(event: LiveEvent): void {
    for (const listener of this.#listeners) listener(event);
  }

  /** Tells every open screen to refetch this panel. */
  refresh(panelId: string): void {
    this.publish({ type: 'panel', id: panelId });
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listeners(): number {
    return this.#listeners.size;
  }
}

export interface SseOptions {
  /** A comment line this often keeps proxies and the tablet's radio from dropping an idle stream. */
  readonly heartbeatMs: number;
  /** Told to the browser as `retry:`; EventSource waits this long before reconnecting. */
  readonly retryMs: number;
  /** Checked at each heartbeat; false ends the stream with a `logout` event. */
  readonly stillValid: () => boolean;
}

/** A server-sent-events response that relays the hub's events until the client goes or the session ends. */
export const sseResponse = (c: Context, hub: LiveHub, options: SseOptions): Response =>
  streamSSE(c, async (stream) => {
    let closed = false;
    let wake: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (wake = resolve));
    const end = (): void => {
      closed = true;
      wake();
    };
    const send = (event: LiveEvent): void => {
      if (closed) return;
      const data =
        event.type === 'panel'
          ? JSON.stringify({ id: event.id })
          : event.type === 'link'
            ? JSON.stringify({ state: event.state })
            : '{}';
      stream.writeSSE({ event: event.type, data }).catch(end);
      if (event.type === 'logout') end();
    };
    const unsubscribe = hub.subscribe(send);
    stream.onAbort(end);
    const timer = setInterval(() => {
      if (!options.stillValid()) send({ type: 'logout' });
      else stream.write(': heartbeat\n\n').catch(end);
    }, options.heartbeatMs);
    try {
      await stream.write(`retry: ${options.retryMs}\n\n`);
      // A screen that connects now learns the link's state at once, not at its next change.
      if (hub.link !== undefined) send({ type: 'link', state: hub.link });
      await finished;
    } finally {
      clearInterval(timer);
      unsubscribe();
    }
  });
