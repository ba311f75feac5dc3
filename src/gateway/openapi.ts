import { toJsonSchema } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { ErrorBody } from './http/error-schema.js';
import type { RouteInfo } from './http/routes.js';

const schema = (s: v.GenericSchema): Record<string, unknown> =>
  toJsonSchema(s, { target: 'draft-2020-12', typeMode: 'input', errorMode: 'ignore' }) as Record<
    string,
    unknown
  >;

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
  const error = { content: { 'application/json': { schema: schema(ErrorBody) } } };
  for (const route of routes) {
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
              content: {
                [route.body.kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded']: {
                  schema: schema(route.body.schema),
                },
              },
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
        '4XX': { description: 'client fault: {code, message}', ...error },
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
