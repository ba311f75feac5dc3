import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { ErrorBody } from './http/error-schema.js';
import type { RouteInfo } from './http/routes.js';

/** A file field (`v.instance(File)`), which only a multipart body can carry (hono gives it as a File). */
const isFile = (s: unknown): boolean =>
  typeof s === 'object' &&
  s !== null &&
  'type' in s &&
  s.type === 'instance' &&
  'class' in s &&
  s.class === File;

/** Whether a form's schema holds a file field anywhere (an entry, an optional, a variant's option). */
const holdsFile = (s: unknown): boolean => {
  if (isFile(s)) return true;
  if (typeof s !== 'object' || s === null) return false;
  if ('wrapped' in s && holdsFile(s.wrapped)) return true;
  if ('entries' in s && typeof s.entries === 'object' && s.entries !== null)
    if (Object.values(s.entries).some(holdsFile)) return true;
  return 'options' in s && Array.isArray(s.options) && s.options.some(holdsFile);
};

/**
 * A file part as OpenAPI 3.1 describes binary content: a string with a media type (JSON Schema's
 * `contentMediaType`; 3.0's `format: binary` is gone). The route checks the bytes, not the type.
 */
const FILE_PART = { type: 'string', contentMediaType: 'application/octet-stream' } as const;

const schema = (s: v.GenericSchema): Record<string, unknown> =>
  toJsonSchema(s, {
    target: 'draft-2020-12',
    typeMode: 'input',
    errorMode: 'ignore',
    overrideSchema: (context) => (isFile(context.valibotSchema) ? { ...FILE_PART } : undefined),
  }) as Record<string, unknown>;

/**
 * The body's media type as the route parses it. JSON routes take `application/json` only (anything
 * else is 415). Form routes read hono's form parser, which takes urlencoded and multipart alike; the
 * screens post urlencoded, except a form with a file, which only multipart can carry (the tablet's
 * photo upload).
 */
const bodyMedia = (body: NonNullable<RouteInfo['body']>): string =>
  body.kind === 'json'
    ? 'application/json'
    : holdsFile(body.schema)
      ? 'multipart/form-data'
      : 'application/x-www-form-urlencoded';

const MEDIA: Readonly<Record<RouteInfo['response']['kind'], string>> = {
  json: 'application/json',
  html: 'text/html',
  text: 'text/plain',
  'event-stream': 'text/event-stream',
  redirect: 'text/plain',
  file: 'application/octet-stream',
};

/** `/panels/:panel` → `/panels/{panel}` */
const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

const parameters = (route: RouteInfo): unknown[] => {
  const out: unknown[] = [];
  for (const [where, s] of [
    ['path', route.params],
    ['query', route.query],
  ] as const) {
    if (s === undefined) continue;
    const json = schema(s) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {}))
      out.push({
        name,
        in: where,
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
  }
  return out;
};

/** OpenAPI 3.1, generated from the same valibot schemas the routes validate with. */
export const openApiDocument = (routes: readonly RouteInfo[], title: string, version: string): unknown => {
  const paths: Record<string, Record<string, unknown>> = {};
  const json = { 'application/json': { schema: schema(ErrorBody) } };
  // Outside /api/ a person's browser (Accept naming text/html) gets the same status as a page in
  // words with a way back (src/gateway/ui/error-page.tsx); API clients get the JSON body.
  const page = { 'text/html': { schema: { type: 'string' } } };
  for (const route of routes) {
    const error = { content: route.path.startsWith('/api/') ? json : { ...json, ...page } };
    const ok = route.response.kind === 'redirect' ? '303' : '200';
    const operation: Record<string, unknown> = {
      summary: route.summary,
      'x-access': route.access,
      ...(route.access.kind === 'public' ? { security: [] } : {}),
      parameters: parameters(route),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: { [bodyMedia(route.body)]: { schema: schema(route.body.schema) } },
            },
          }),
      responses: {
        [ok]: {
          description: route.response.kind,
          ...(route.response.kind === 'redirect'
            ? {}
            : {
                content: {
                  [MEDIA[route.response.kind]]:
                    route.response.schema === undefined ? {} : { schema: schema(route.response.schema) },
                },
              }),
        },
        '4XX': { description: 'client fault: {code, message}, or a page in words for a browser', ...error },
        '500': { description: 'server fault, without detail', ...error },
      },
    };
    paths[openApiPath(route.path)] = { ...paths[openApiPath(route.path)], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title, version },
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'ems-session (__Host-ems-session over HTTPS)' },
      },
    },
    security: [{ session: [] }],
    paths,
  };
};
