import { Hono } from 'hono';
import type { Metrics } from '../metrics/index.js';
import type { Readiness } from './readiness.js';

/** Liveness, readiness and Prometheus metrics: the same three routes on every role. */
export const healthRoutes = (readiness: Readiness, metrics: Metrics): Hono =>
  new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', (c) => {
      const report = readiness.report();
      return c.json(
        { status: report.ready ? 'ready' : 'not-ready', checks: report.checks },
        report.ready ? 200 : 503,
      );
    })
    .get('/metrics', async (c) => {
      const text = await metrics.text();
      return c.body(text, 200, { 'content-type': metrics.contentType });
    });
