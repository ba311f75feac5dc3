import type { Context, Hono, MiddlewareHandler } from 'hono';
import type * as v from 'valibot';
import { UNLOCK_PATH, type UserRole } from '../auth/index.js';
import { sameSiteOnly } from './csrf.js';
import { ApiFailure } from './errors.js';
import type { GatewayEnv } from './env.js';
import type { FormStore } from '../ui/form-state.js';
import { validate } from './validation.js';

/**
 * Who may call a route. `public`: anyone. `user`: any logged-in person whose role this instance admits.
 * `roles`: only those roles (still only if admitted here).
 */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'user' }
  | { readonly kind: 'roles'; readonly roles: readonly UserRole[] };

/** `file`: bytes of their own media type (an attachment), named in the response's Content-Type. */
export type ResponseKind = 'json' | 'html' | 'text' | 'event-stream' | 'redirect' | 'file';

type Out<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined;

export interface RouteSpec<
  B extends v.GenericSchema | undefined = undefined,
  Q extends v.GenericSchema | undefined = undefined,
  P extends v.GenericSchema | undefined = undefined,
> {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly summary: string;
  readonly access: Access;
  /** Form posts also pass CSRF protection; JSON bodies must be sent as application/json. */
  readonly body?: { readonly kind: 'json' | 'form'; readonly schema: NonNullable<B> };
  readonly query?: NonNullable<Q>;
  readonly params?: NonNullable<P>;
  readonly response: { readonly kind: ResponseKind; readonly schema?: v.GenericSchema };
  /**
   * HTML forms answer a validation failure with a redirect here instead of JSON; the browser's form
   * is kept (values and an error per field) for the screen to show again.
   */
  readonly redirectOnInvalid?: string;
  readonly handler: (
    c: Context<GatewayEnv>,
    input: { readonly body: Out<B>; readonly query: Out<Q>; readonly params: Out<P> },
  ) => Response | Promise<Response>;
}

/** What the OpenAPI document and the role matrix test read. */
export interface RouteInfo {
  readonly method: 'get' | 'post';
  readonly path: string;
  readonly summary: string;
  readonly access: Access;
  readonly body?: { readonly kind: 'json' | 'form'; readonly schema: v.GenericSchema };
  readonly query?: v.GenericSchema;
  readonly params?: v.GenericSchema;
  readonly response: { readonly kind: ResponseKind; readonly schema?: v.GenericSchema };
}

export const mayAccess = (
  access: Access,
  role: UserRole | undefined,
  admitted: readonly UserRole[],
): boolean => {
  switch (access.kind) {
    case 'public':
      return true;
    case 'user':
      return role !== undefined && admitted.includes(role);
    case 'roles':
      return role !== undefined && admitted.includes(role) && access.roles.includes(role);
    default:
      return access satisfies never;
  }
};

const requireAccess =
  (
    access: Access,
    admitted: readonly UserRole[],
    loginPath: string,
    spec: Pick<RouteInfo, 'method' | 'response'>,
  ): MiddlewareHandler<GatewayEnv> =>
  async (c, next) => {
    const session = c.get('session');
    // A person at a screen (a page, or a form that answers with a redirect) is sent to the unlock
    // form or to log in; an API client gets a 401 with the code it can act on.
    const person = spec.response.kind === 'html' || spec.response.kind === 'redirect';
    // A kiosk screen stays visible while idle, but its actions wait for the PIN.
    const actionLocked = session?.locked === true && spec.method !== 'get' && access.kind !== 'public';
    if (mayAccess(access, session?.role, admitted) && !actionLocked) return next();
    if (actionLocked || (session === undefined && c.get('lockedSession') !== undefined)) {
      if (person) return c.redirect(UNLOCK_PATH, 303);
      throw new ApiFailure('locked');
    }
    if (session === undefined) {
      if (spec.response.kind === 'html') return c.redirect(loginPath, 303);
      throw new ApiFailure('unauthenticated');
    }
    throw new ApiFailure('forbidden');
  };

const requireJson: MiddlewareHandler = async (c, next) => {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? ''))
    throw new ApiFailure('unsupported-media-type');
  await next();
};

/**
 * Registers routes on a hono app so that access, validation (through the one redacting hook) and the
 * OpenAPI description all come from the same declaration.
 */
export class RouteRegistry {
  readonly #routes: RouteInfo[] = [];

  constructor(
    private readonly app: Hono<GatewayEnv>,
    private readonly admitted: readonly UserRole[],
    private readonly formGuard: (spec: RouteInfo) => MiddlewareHandler<GatewayEnv>,
    private readonly forms?: FormStore,
  ) {}

  add<
    B extends v.GenericSchema | undefined = undefined,
    Q extends v.GenericSchema | undefined = undefined,
    P extends v.GenericSchema | undefined = undefined,
  >(spec: RouteSpec<B, Q, P>): void {
    const info: RouteInfo = {
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      access: spec.access,
      response: spec.response,
      ...(spec.body === undefined ? {} : { body: spec.body }),
      ...(spec.query === undefined ? {} : { query: spec.query }),
      ...(spec.params === undefined ? {} : { params: spec.params }),
    };
    this.#routes.push(info);
    const chain: MiddlewareHandler<GatewayEnv>[] = [
      requireAccess(spec.access, this.admitted, '/login', spec),
    ];
    const options =
      spec.redirectOnInvalid === undefined
        ? {}
        : { redirectTo: spec.redirectOnInvalid, ...(this.forms === undefined ? {} : { forms: this.forms }) };
    if (spec.params !== undefined) chain.push(validate('param', spec.params, options));
    if (spec.query !== undefined) chain.push(validate('query', spec.query, options));
    // Every state-changing route refuses cross-site requests; forms also check their token.
    if (spec.method !== 'get' && spec.body?.kind !== 'form') chain.push(sameSiteOnly);
    if (spec.body?.kind === 'json') chain.push(requireJson, validate('json', spec.body.schema, options));
    if (spec.body?.kind === 'form')
      chain.push(this.formGuard(info), validate('form', spec.body.schema, options));
    const valid = (c: Context<GatewayEnv>, target: 'json' | 'form' | 'query' | 'param'): never =>
      (c.req.valid as (t: string) => never)(target);
    const on = this.app.on.bind(this.app) as (
      method: string,
      path: string,
      ...handlers: MiddlewareHandler<GatewayEnv>[]
    ) => unknown;
    on(spec.method.toUpperCase(), spec.path, ...chain, async (c) =>
      spec.handler(c, {
        body: (spec.body === undefined ? undefined : valid(c, spec.body.kind)) as Out<B>,
        query: (spec.query === undefined ? undefined : valid(c, 'query')) as Out<Q>,
        params: (spec.params === undefined ? undefined : valid(c, 'param')) as Out<P>,
      }),
    );
  }

  list(): readonly RouteInfo[] {
    return this.#routes;
  }
}
