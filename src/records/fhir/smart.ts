import type { RequestSigner } from '../ports.js';

/**
 * SMART Backend Services (SMART App Launch 2.x, "client-confidential-asymmetric"): a client
 * assertion JWT (RFC 7523) signed by the device key, exchanged at the token endpoint for a
 * short-lived bearer token with `client_credentials`. The device key is Ed25519, so the JWS
 * algorithm is `EdDSA` (RFC 8037): SMART requires servers to validate at least one of RS384/ES384
 * and allows others; the client uses EdDSA only when the server lists it (docs/decisions.md).
 */
export const ASSERTION_ALG = 'EdDSA';
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** SMART: the assertion's `exp` no more than five minutes ahead. */
const ASSERTION_LIFETIME_S = 300;

const b64url = (data: Uint8Array | string): string =>
  Buffer.from(typeof data === 'string' ? new TextEncoder().encode(data) : data).toString('base64url');

export interface AssertionClaims {
  readonly clientId: string;
  readonly tokenEndpoint: string;
  readonly nowMs: number;
  readonly jti: string;
}

/** The compact JWS: header `{alg, typ, kid}` with the device key id, claims iss = sub = client id. */
export const clientAssertion = async (signer: RequestSigner, c: AssertionClaims): Promise<string> => {
  const header = b64url(JSON.stringify({ alg: ASSERTION_ALG, typ: 'JWT', kid: signer.keyId }));
  const iat = Math.floor(c.nowMs / 1000);
  const claims = b64url(
    JSON.stringify({
      iss: c.clientId,
      sub: c.clientId,
      aud: c.tokenEndpoint,
      iat,
      exp: iat + ASSERTION_LIFETIME_S,
      jti: c.jti,
    }),
  );
  const input = `${header}.${claims}`;
  const signature = await signer.sign(new TextEncoder().encode(input));
  return `${input}.${b64url(signature)}`;
};

/** The token request body (application/x-www-form-urlencoded), SMART Backend Services §"Request". */
export const tokenRequestBody = (scope: string, assertion: string): string =>
  new URLSearchParams({
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
  }).toString();

/** SMART v2 system scopes this client may ask for: reads only (`.read`, or v2 `.rs`). */
const SCOPE = /^system\/(\*|[A-Z][A-Za-z]{1,63})\.(read|rs|r|s)$/;
export const isReadOnlyScope = (scope: string): boolean =>
  scope.split(' ').every((s) => SCOPE.test(s)) && scope.trim().length > 0;

export interface CachedToken {
  readonly token: string;
  /** Clock ms after which the token is not used (its expiry less a margin). */
  readonly until: number;
}

/** Renew a little early, so a token never expires between the check and the server. */
export const TOKEN_MARGIN_MS = 30_000;

export const cachedToken = (token: string, expiresInS: number, nowMs: number): CachedToken => ({
  token,
  until: nowMs + Math.max(0, expiresInS * 1000 - TOKEN_MARGIN_MS),
});
