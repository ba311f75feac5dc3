import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import { loadFhirRecords } from '../../records/index.js';
import type { RequestVerifier } from './ports.js';

const { ASSERTION_ALG, ASSERTION_TYPE, isReadOnlyScope } = await loadFhirRecords();

/**
 * The reference FHIR server's authorisation server: SMART Backend Services token endpoint. It checks
 * the client assertion (RFC 7523 §3) as SMART asks: signature by a key registered for the client
 * (here: an ambulance key valid in the pinned directory, the client id being its principal), iss =
 * sub = client id, aud = this token endpoint, exp in the future and at most 5 minutes ahead, jti not
 * seen before; scopes read-only. Tokens are opaque random strings kept in memory.
 */

export interface Grant {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly until: number;
}

export type TokenAnswer =
  | {
      readonly ok: true;
      readonly body: { access_token: string; token_type: 'bearer'; expires_in: number; scope: string };
    }
  | {
      readonly ok: false;
      readonly status: 400;
      readonly body: {
        error: 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type';
      };
    };

const MAX_ASSERTION_AHEAD_S = 300;
const SKEW_S = 60;

const decodeJson = (part: string | undefined): Record<string, unknown> | undefined => {
  if (part === undefined || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

export class TokenIssuer {
  readonly #tokens = new Map<string, Grant>();
  readonly #jtis = new Map<string, number>();

  constructor(
    private readonly verifier: RequestVerifier,
    private readonly clock: Clock,
    /** Lifetime of an access token, in seconds. */
    private readonly lifetimeS: number,
  ) {}

  async token(form: URLSearchParams, tokenEndpoint: string): Promise<TokenAnswer> {
    const refuse = (
      error: 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type',
    ): TokenAnswer => ({
      ok: false,
      status: 400,
      body: { error },
    });
    if (form.get('grant_type') !== 'client_credentials') return refuse('unsupported_grant_type');
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) return refuse('invalid_request');
    const scope = form.get('scope') ?? '';
    const parts = (form.get('client_assertion') ?? '').split('.');
    if (parts.length !== 3) return refuse('invalid_client');
    const [h, p, s] = parts as [string, string, string];
    const header = decodeJson(h);
    const claims = decodeJson(p);
    if (header?.['alg'] !== ASSERTION_ALG || typeof header['kid'] !== 'string' || claims === undefined)
      return refuse('invalid_client');
    const now = Math.floor(this.clock.now() / 1000);
    const exp = claims['exp'];
    const jti = claims['jti'];
    if (
      typeof exp !== 'number' ||
      exp <= now - SKEW_S ||
      exp > now + MAX_ASSERTION_AHEAD_S + SKEW_S ||
      typeof jti !== 'string' ||
      jti.length === 0 ||
      this.#jtis.has(jti) ||
      claims['aud'] !== tokenEndpoint ||
      claims['iss'] !== claims['sub']
    )
      return refuse('invalid_client');
    const signer = await this.verifier.verify(
      new TextEncoder().encode(`${h}.${p}`),
      new Uint8Array(Buffer.from(s, 'base64url')),
      header['kid'],
    );
    if (signer === undefined || signer !== claims['iss']) return refuse('invalid_client');
    if (!isReadOnlyScope(scope)) return refuse('invalid_scope');
    this.#forgetOld(now);
    this.#jtis.set(jti, exp);
    const token = randomBytes(32).toString('base64url');
    this.#tokens.set(token, {
      clientId: signer,
      scopes: scope.split(' '),
      until: this.clock.now() + this.lifetimeS * 1000,
    });
    return {
      ok: true,
      body: { access_token: token, token_type: 'bearer', expires_in: this.lifetimeS, scope },
    };
  }

  /** The grant behind `Authorization: Bearer …`, if it is one we issued and it has not expired. */
  grant(authorization: string | undefined): Grant | undefined {
    const token = /^Bearer ([A-Za-z0-9_-]{16,})$/i.exec(authorization ?? '')?.[1];
    const grant = token === undefined ? undefined : this.#tokens.get(token);
    if (grant === undefined || this.clock.now() >= grant.until) return undefined;
    return grant;
  }

  /** Forgets every token issued (a server restart or a revocation): their next use answers 401. */
  revokeAll(): void {
    this.#tokens.clear();
  }

  #forgetOld(now: number): void {
    for (const [jti, exp] of this.#jtis) if (exp < now - SKEW_S) this.#jtis.delete(jti);
    for (const [token, grant] of this.#tokens)
      if (grant.until <= this.clock.now()) this.#tokens.delete(token);
  }
}

/** Does a grant cover reading this type? `system/*.read`, `system/Type.read` (v1) or `.rs`/`.r`/`.s` (v2). */
export const allows = (grant: Grant, type: string): boolean =>
  grant.scopes.some((s) => {
    const m = /^system\/(\*|[A-Za-z]+)\.(read|rs|r|s)$/.exec(s);
    return m !== null && (m[1] === '*' || m[1] === type);
  });
