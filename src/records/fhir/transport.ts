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

export type TlsRefusal = 'device-certificate' | 'server-certificate';

/**
 * The server refused this device's client certificate: a TLS alert (RFC 8446 §6.2:
 * certificate_required, bad_certificate, unknown_ca, certificate_expired/revoked/unknown,
 * access_denied) as OpenSSL names it through node.
 */
const DEVICE_ALERT =
  /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(?:CERTIFICATE_[A-Z]+|BAD_CERTIFICATE|UNKNOWN_CA|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED)$/;
/** The server's certificate does not verify against the configured CA (OpenSSL X509_V_ERR_*, node's name check). */
const SERVER_CERTIFICATE = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * A transport error that is a certificate refusal, by its code. A server that drops the connection
 * without an alert (TLS 1.3 servers may, after the client's Finished) reads as a network failure.
 */
export const tlsRefusal = (error: unknown): TlsRefusal | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (DEVICE_ALERT.test(code)) return 'device-certificate';
  return SERVER_CERTIFICATE.has(code) ? 'server-certificate' : undefined;
};

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
