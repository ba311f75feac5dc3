import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';

/**
 * One HTTP exchange as the FHIR upstream needs it. node:http(s) rather than fetch, so mutual TLS
 * (a client certificate per device) needs no extra dependency: the agent carries the key pair.
 */
export interface HttpExchange {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal: AbortSignal;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

export type Transport = (exchange: HttpExchange) => Promise<HttpAnswer>;

export interface TlsMaterial {
  /** PEM: the region's CA for the FHIR server's certificate (else the system's CAs). */
  readonly ca?: string;
  /** PEM client certificate and key, for servers that require mutual TLS. */
  readonly cert?: string;
  readonly key?: string;
  readonly passphrase?: string;
}

/** An answer larger than this is refused: a summary's searches are bounded, a runaway body is not. */
const MAX_BODY = 32 * 1024 * 1024;

export const nodeTransport = (tls: TlsMaterial = {}): Transport => {
  const agent = new Agent({ keepAlive: true, ...tls });
  return (x) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const headers: OutgoingHttpHeaders = { ...x.headers };
      if (x.body !== undefined) headers['content-length'] = Buffer.byteLength(x.body);
      const options = { method: x.method, headers, signal: x.signal };
      const req =
        x.url.protocol === 'https:'
          ? httpsRequest(x.url, { ...options, agent }, onResponse)
          : httpRequest(x.url, options, onResponse);
      function onResponse(res: IncomingMessage): void {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) {
            res.destroy(new Error('answer too large'));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          const h: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) h[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: h, body: new Uint8Array(Buffer.concat(chunks)) });
        });
      }
      req.on('error', reject);
      req.end(x.body);
    });
};
