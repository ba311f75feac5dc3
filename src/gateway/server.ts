import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { isLoopback } from '../config/index.js';

export interface HttpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** Plain HTTP off loopback only when this is set (the config schema says the same; this is the last line). */
  readonly allowPlainHttp?: boolean;
  /** Open connections at most (DEFAULT_MAX_CONNECTIONS), and from one peer address. */
  readonly maxConnections?: number;
  readonly maxConnectionsPerAddress?: number;
}

export interface FetchApp {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

export const DEFAULT_MAX_CONNECTIONS = 128;
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 32;

/**
 * Connection time limits. Every role of a process shares one file-descriptor budget (often 1,024), so
 * sockets that send nothing must not be held: a client has HEADERS_TIMEOUT_MS from connecting (and
 * from its TLS handshake) to send a complete request head, REQUEST_TIMEOUT_MS for the whole request;
 * an idle keep-alive connection closes after KEEP_ALIVE_TIMEOUT_MS. Node checks its own timeouts every
 * CHECK_INTERVAL_MS, and only for a request that has begun: a socket that never sends a byte is ours
 * to close (firstRequestDeadline). Responses are not limited: the SSE stream is long.
 */
export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const CHECK_INTERVAL_MS = 1_000;

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * Refuses connections beyond the caps as they arrive: one address cannot take them all, and all of
 * them together cannot take the process's files from the other roles it runs.
 */
const capConnections = (server: Server, total: number, perAddress: number): void => {
  server.maxConnections = total;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? '';
    const count = (open.get(address) ?? 0) + 1;
    if (count > perAddress) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
};

/**
 * Closes a connection that has not delivered a complete request head HEADERS_TIMEOUT_MS after it was
 * established (after the TLS handshake under HTTPS; tls.Server's handshakeTimeout covers the time
 * before). Later idle time is the keep-alive timeout's.
 */
const firstRequestDeadline = (server: Server, event: 'connection' | 'secureConnection'): void => {
  const waiting = new WeakMap<Socket, NodeJS.Timeout>();
  server.on(event, (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), HEADERS_TIMEOUT_MS).unref();
    waiting.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  server.on('request', (request: IncomingMessage) => {
    clearTimeout(waiting.get(request.socket));
    waiting.delete(request.socket);
  });
};

/** Serves a hono app over HTTPS when a certificate is configured, else plain HTTP (validated to be loopback or allowed). */
export const startServer = async (app: FetchApp, settings: HttpSettings): Promise<RunningServer> => {
  if (settings.tls === undefined && settings.allowPlainHttp !== true && !isLoopback(settings.host))
    throw new Error(`refusing plain HTTP on ${settings.host}: configure http.tls or set http.allowPlainHttp`);
  const tls =
    settings.tls === undefined
      ? undefined
      : { cert: await readFile(settings.tls.certFile), key: await readFile(settings.tls.keyFile) };
  const limits = {
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: CHECK_INTERVAL_MS,
  };
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve(
      {
        fetch: (request: Request, env: unknown) => app.fetch(request, env),
        hostname: settings.host,
        port: settings.port,
        ...(tls === undefined
          ? { serverOptions: limits }
          : {
              createServer: createHttpsServer,
              serverOptions: { ...tls, ...limits, handshakeTimeout: HEADERS_TIMEOUT_MS },
            }),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  firstRequestDeadline(server as Server, tls === undefined ? 'connection' : 'secureConnection');
  capConnections(
    server as Server,
    settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    settings.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://${urlHost(settings.host)}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
};
