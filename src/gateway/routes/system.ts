import * as v from 'valibot';
import type { RouteRegistry } from '../http/routes.js';
import { openApiDocument } from '../openapi.js';
import type { GatewayParts } from '../parts.js';
import { LIVE_SCRIPT } from '../ui/live-script.js';

const Health = v.object({ status: v.literal('ok') });
const Ready = v.object({
  status: v.picklist(['ready', 'not-ready']),
  checks: v.record(v.string(), v.object({ ready: v.boolean(), reason: v.optional(v.string()) })),
});

/** Liveness, readiness, metrics, the OpenAPI description and the screens' script: public on every role. */
export const systemRoutes = (routes: RouteRegistry, parts: GatewayParts): void => {
  const publicAccess = { kind: 'public' } as const;
  routes.add({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness',
    access: publicAccess,
    response: { kind: 'json', schema: Health },
    handler: (c) => c.json({ status: 'ok' }),
  });
  routes.add({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness of every part this role runs (503 until all are ready)',
    access: publicAccess,
    response: { kind: 'json', schema: Ready },
    handler: (c) => {
      const report = parts.readiness.report();
      return c.json(
        { status: report.ready ? 'ready' : 'not-ready', checks: report.checks },
        report.ready ? 200 : 503,
      );
    },
  });
  routes.add({
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics (no patient data in names or labels)',
    access: publicAccess,
    response: { kind: 'text' },
    handler: async (c) =>
      c.body(await parts.metrics.text(), 200, { 'content-type': parts.metrics.contentType }),
  });
  routes.add({
    method: 'get',
    path: '/openapi.json',
    summary: 'This description (OpenAPI 3.1)',
    access: publicAccess,
    response: { kind: 'json' },
    handler: (c) => c.json(openApiDocument(routes.list(), `ems-gateway ${parts.instance}`, '0.1.0')),
  });
  routes.add({
    method: 'get',
    path: '/assets/live.js',
    summary: 'The screens’ live-update script',
    access: publicAccess,
    response: { kind: 'text' },
    handler: (c) => c.body(LIVE_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  });
  routes.add({
    method: 'get',
    path: '/assets/ui.css',
    summary: 'The screens’ one stylesheet: design tokens, the components’ styles, the roles’ own',
    access: publicAccess,
    response: { kind: 'text' },
    handler: (c) => c.body(parts.stylesheet, 200, { 'content-type': 'text/css; charset=utf-8' }),
  });
};
