import { readFile } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { isLoopback } from '../config/index.js';

export interface HttpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls?: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** Plain HTTP off loopback only when this is set (the config schema says the same; this is the last line). */
  readonly allowPlainHttp?: boolean;
}

export interface FetchApp {
  fetch(request: Request): Response | Promise<Response>;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** Serves a hono app over HTTPS when a certificate is configured, else plain HTTP (validated to be loopback or allowed). */
export const startServer = async (app: FetchApp, settings: HttpSettings): Promise<RunningServer> => {
  if (settings.tls === undefined && settings.allowPlainHttp !== true && !isLoopback(settings.host))
    throw new Error(`refusing plain HTTP on ${settings.host}: configure http.tls or set http.allowPlainHttp`);
  const tls =
    settings.tls === undefined
      ? undefined
      : { cert: await readFile(settings.tls.certFile), key: await readFile(settings.tls.keyFile) };
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve(
      {
        fetch: (request: Request) => app.fetch(request),
        hostname: settings.host,
        port: settings.port,
        ...(tls === undefined ? {} : { createServer: createHttpsServer, serverOptions: tls }),
      },
      () => resolve(s),
    );
    s.once('error', reject);
  });
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
