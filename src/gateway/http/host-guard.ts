import type { MiddlewareHandler } from 'hono';
import { ApiFailure } from './errors.js';

/** Names every instance answers to: what a browser on the box itself uses. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
/** Listening on every interface names no host; the operator lists the names in `http.allowedHosts`. */
const WILDCARDS = new Set(['0.0.0.0', '::']);

/** The names this instance answers to: loopback, the address it listens on, and the configured ones. */
export const allowedHostNames = (listenHost: string, configured: readonly string[]): ReadonlySet<string> =>
  new Set(
    [...LOOPBACK_NAMES, ...(WILDCARDS.has(listenHost) ? [] : [listenHost]), ...configured].map((name) =>
      name.toLowerCase().replace(/^\[(.*)\]$/, '$1'),
    ),
  );

/**
 * Refuses a request addressed to a name this instance does not answer to (421, RFC 9110 §15.5.20).
 * That is the defence against DNS rebinding: a page on attacker.example whose name is re-pointed at
 * the gateway sends `Host: attacker.example`, so it can read nothing, not even /metrics. The Node
 * adapter builds the request URL from the Host header, so its hostname is what the client addressed.
 */
export const hostGuard =
  (allowed: ReadonlySet<string>): MiddlewareHandler =>
  async (c, next) => {
    const name = new URL(c.req.url).hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (!allowed.has(name)) throw new ApiFailure('misdirected');
    await next();
  };
