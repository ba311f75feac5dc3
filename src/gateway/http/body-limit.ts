import type { MiddlewareHandler } from 'hono';
import { ApiFailure } from './errors.js';

/**
 * Reads the whole body (at most `maxBytes`) before any handler runs, and hands the handler a buffered
 * copy. Counting the bytes actually received, not trusting Content-Length, is what makes the limit hold
 * for chunked bodies and for handlers that never read the body (hono's bodyLimit has had bypasses in
 * both). A request with both Content-Length and Transfer-Encoding is refused outright: RFC 9112 §6.1
 * calls it a request-smuggling sign, and two parsers may disagree on where the body ends.
 */
export const bodyLimit =
  (defaultBytes: number, uploads: ReadonlyMap<string, number> = new Map()): MiddlewareHandler =>
  async (c, next) => {
    // Upload routes (exact paths, e.g. the tablet's attachments) have their own, larger bound.
    const maxBytes = uploads.get(c.req.path) ?? defaultBytes;
    const raw = c.req.raw;
    const length = raw.headers.get('content-length');
    const chunked = raw.headers.has('transfer-encoding');
    if (length !== null && chunked) throw new ApiFailure('bad-framing');
    // The Fetch API drops a GET's body, so the adapter never hands it to us; Node would still read and
    // discard it. Our GET routes take no body: the limit for one is zero.
    if ((raw.method === 'GET' || raw.method === 'HEAD') && (chunked || (length !== null && length !== '0')))
      throw new ApiFailure('body-too-large');
    if (raw.body === null) return next();
    if (length !== null && !/^\d+$/.test(length)) throw new ApiFailure('bad-framing');
    if (length !== null && Number(length) > maxBytes) {
      await raw.body.cancel().catch(() => undefined);
      throw new ApiFailure('body-too-large');
    }
    const reader: ReadableStreamDefaultReader<Uint8Array> = raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new ApiFailure('body-too-large');
      }
      chunks.push(value);
    }
    c.req.raw = new Request(raw, { body: Buffer.concat(chunks) });
    return next();
  };
