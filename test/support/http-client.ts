import { request } from 'node:http';

export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One HTTP/1.1 request over a fresh socket, from a chosen local address (any 127.x works on Linux
 * loopback): how a test plays clients on different machines against a real server. `host` sets the
 * Host header as a DNS-rebinding page would.
 */
export const httpRequest = (
  url: string,
  options: {
    readonly method?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
    readonly localAddress?: string;
    /** Give up (reject) after this long without an answer. */
    readonly timeoutMs?: number;
  } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: false,
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.timeoutMs !== undefined)
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('no answer in time')));
    req.end(options.body);
  });

/**
 * `fetch` with each request on a connection of its own (`Connection: close`, RFC 9112 §9.6: the
 * server closes it after the answer): how the test clients of a running gateway send (tablet-rig.ts,
 * records-proxy.ts, test/triage/support.ts). Reusing a kept-alive connection is not safe there: the
 * gateway closes one idle for KEEP_ALIVE_TIMEOUT_MS (5 s, real time, src/gateway/server.ts) and says
 * so in `Keep-Alive: timeout=5`; fetch (Node 20's undici 6) keeps the socket for that hint minus 2 s,
 * counted on its own coarse clock, which advances 499 ms per tick of a timer, whatever the real time
 * between ticks. A test runs the gateways in its own process, so a busy event loop (seconds of
 * synchronous FHIR schema work, a loaded machine) slows those ticks and fetch's 3 s can outlast the
 * server's 5 s: the next request goes out on a socket the server has closed and fails (ECONNRESET,
 * "other side closed"); fetch retries nothing. A new connection per request cannot meet that, and no
 * retry hides a real server fault.
 */
export const fetchOwnConnection = (url: string, init: RequestInit = {}): Promise<Response> => {
  const headers = new Headers(init.headers);
  headers.set('connection', 'close');
  return fetch(url, { ...init, headers });
};

/** The cookie pairs (name=value) a response sets, for sending back. */
export const cookiesOf = (answer: Answer): string[] => {
  const set = answer.headers['set-cookie'];
  return (Array.isArray(set) ? set : set === undefined ? [] : [set]).map((line) => line.split(';')[0] ?? '');
};
