import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';

/** Submitted strings carry this marker, so an echo is found wherever it lands in a response. */
const MARK = 'zqx';
const marked = fc.string({ minLength: 4, maxLength: 20 }).map((s) => `${MARK}${s}`);
const value: fc.Arbitrary<unknown> = fc.oneof(
  marked,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(marked, { maxLength: 3 }),
  fc.dictionary(marked, marked, { maxKeys: 3 }),
);
const jsonBody = fc.oneof(
  fc.dictionary(fc.oneof(marked, fc.constantFrom('userId', 'password', 'otp', 'deviceToken')), value, {
    maxKeys: 6,
  }),
  marked.map((s) => JSON.stringify(s).slice(0, -1)),
  marked,
);

const submittedStrings = (input: unknown): string[] => {
  if (typeof input === 'string') return input.includes(MARK) ? [input.slice(input.indexOf(MARK))] : [];
  if (Array.isArray(input)) return input.flatMap(submittedStrings);
  if (input !== null && typeof input === 'object')
    return Object.entries(input).flatMap(([k, v]) => [...submittedStrings(k), ...submittedStrings(v)]);
  return [];
};

describe('every route under fuzzed input', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('ambulance');
  });
  afterAll(() => h.gateway.close());

  it('never answers 5xx and never echoes a submitted value (JSON, form and query, every role)', async () => {
    const routes = h.gateway.routes.list();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom('crew', 'admin', 'anonymous'),
        fc.constantFrom('json', 'form'),
        jsonBody,
        marked,
        async (route, who, kind, body, queryValue) => {
          const session = who === 'anonymous' ? undefined : h.session(who);
          const text =
            kind === 'json'
              ? typeof body === 'string'
                ? body
                : JSON.stringify(body)
              : new URLSearchParams(
                  Object.entries(
                    typeof body === 'object' && body !== null ? body : { [MARK]: JSON.stringify(body) },
                  ).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
                ).toString();
          const path = `${route.path.replace(':panel', encodeURIComponent(queryValue))}?limit=${encodeURIComponent(queryValue)}&lang=${encodeURIComponent(queryValue)}&error=${encodeURIComponent(queryValue)}`;
          const response = await h.request(path, {
            method: route.method.toUpperCase(),
            headers: {
              'content-type': kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
              ...(session === undefined ? {} : { cookie: session.cookie }),
            },
            ...(route.method === 'post' ? { body: text } : {}),
          });
          expect(response.status).toBeLessThan(500);
          const answer = route.path === '/events' ? '' : await response.text();
          if (route.path === '/events') await response.body?.cancel();
          for (const s of [...submittedStrings(body), queryValue])
            expect(answer.includes(s) || answer.includes(encodeURIComponent(s))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers a validation failure with the failed field names only', async () => {
    const response = await h.request('/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'YAMADA Taro 1980-01-01', password: 'x', otp: 'abc' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 'invalid-input',
      message: 'The request does not match the expected shape.',
      fields: ['otp', 'password', 'userId'],
    });
  });

  it('answers malformed JSON and a wrong content type with fixed messages', async () => {
    const bad = await h.request('/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"userId": "secret-value',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).not.toContain('secret-value');
    const type = await h.request('/api/v1/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(type.status).toBe(415);
  });

  it('maps unknown routes to 404 {code, message}', async () => {
    const response = await h.request('/no/such/route');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'not-found', message: 'No such route.' });
  });

  it("answers a person's browser with a page in words, an API client with the JSON code", async () => {
    const html = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const missing = await h.request('/no/such/route?lang=en', { headers: { accept: html } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    const page = await missing.text();
    expect(page).toContain('data-error-page="not-found"');
    expect(page).toContain('Not found. It may have ended or been removed.');
    expect(page).not.toContain('"code"');
    // The admin screen opened by the crew: refused by role, in Japanese (the default), with the way back.
    const refused = await h.request('/admin/panels/users', {
      headers: { accept: html, cookie: h.cookie('crew') },
    });
    expect(refused.status).toBe(403);
    const words = await refused.text();
    expect(words).toContain('この役割ではこの操作はできません。');
    expect(words).toContain('href="/"');
    // The live script's fetches and API clients name no HTML: they keep the JSON body.
    const api = await h.request('/api/v1/no-such', { headers: { accept: html } });
    expect(await api.json()).toEqual({ code: 'not-found', message: 'No such route.' });
  });

  it('describes every route in OpenAPI 3.1 from the same schemas', async () => {
    const doc = (await (await h.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of h.gateway.routes.list())
      expect(doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method], route.path).toBeDefined();
    expect(
      doc.paths['/api/v1/login']?.['post']?.requestBody?.content['application/json']?.schema.required,
    ).toEqual(['userId', 'password', 'otp']);
  });

  it('serves screens with no-store and a script- and style-only-from-self CSP', async () => {
    const response = await h.request('/', { headers: { cookie: h.cookie('crew') } });
    expect(response.headers.get('cache-control')).toBe('no-store');
    const csp = response.headers.get('content-security-policy');
    expect(csp).toContain("script-src 'self';");
    // Issue 15: every style comes from /assets/ui.css, none is written into a page.
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toContain('カードなし');
    expect(html).toContain('data-panel="summary"');
  });

  it('switches to English by query and remembers it by cookie; JST times with relative age', async () => {
    const response = await h.request('/?lang=en', { headers: { cookie: h.cookie('crew') } });
    expect(await response.text()).toContain('No card — tap a card on the reader');
    expect(response.headers.get('set-cookie')).toContain('ems-lang=en');
    const admin = await h.request('/', { headers: { cookie: `${h.cookie('admin')}; ems-lang=en` } });
    expect(await admin.text()).toContain('Administration');
  });
});
