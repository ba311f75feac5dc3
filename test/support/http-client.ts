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

/** The cookie pairs (name=value) a response sets, for sending back. */
export const cookiesOf = (answer: Answer): string[] => {
  const set = answer.headers['set-cookie'];
  return (Array.isArray(set) ? set : set === undefined ? [] : [set]).map((line) => line.split(';')[0] ?? '');
};
