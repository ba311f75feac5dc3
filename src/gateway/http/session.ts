import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { enrolledDevice, visibleSession, type SessionStore } from '../auth/index.js';
import type { CookieNames } from './cookies.js';
import type { GatewayEnv } from './env.js';

/** Marks requests the page makes by itself (live refreshes); they do not count as user activity. */
export const BACKGROUND_HEADER = 'x-ems-background';

/**
 * Finds the caller's enrolled device and its session (bound to that device), locked or not; never
 * refuses anything itself (routes.ts does, by access).
 */
export const sessionMiddleware =
  (sessions: SessionStore, names: CookieNames, deviceToken: string): MiddlewareHandler<GatewayEnv> =>
  async (c, next) => {
    const id = getCookie(c, names.session);
    const background = c.req.header(BACKGROUND_HEADER) === '1' || c.req.path === '/events';
    const device = enrolledDevice(getCookie(c, names.device), deviceToken);
    c.set('device', device);
    const found = id === undefined ? undefined : sessions.get(id, device, !background);
    c.set('session', visibleSession(found));
    c.set('lockedSession', found?.locked === true ? found : undefined);
    await next();
  };

/** The peer's address as the socket saw it (the Node adapter's env); requests made in-process have none. */
export const clientAddress = (c: Context): string =>
  (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress ?? 'in-process';
