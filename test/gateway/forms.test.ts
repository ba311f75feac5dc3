/**
 * Safe forms (issue 15): a refused form post comes back with every value kept and each error named
 * by field, through the one validation hook every HTML form route passes (src/gateway/http), instead
 * of a redirect to `/?error=invalid-input` and an empty form. Drafts keep unsent typing in server
 * memory (never the URL). Real HTTP handling in-process (app.request), real valibot schemas.
 */
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { declaredKeys, fieldErrorsOf, FormStore } from '../../src/gateway/ui/form-state.js';
import { openHarness, type Harness } from './harness.js';

const Form = v.object({
  _csrf: v.string(),
  age: v.pipe(v.string(), v.regex(/^\d{1,3}$/)),
  hr: v.optional(v.pipe(v.string(), v.regex(/^\d{0,3}$/)), ''),
  note: v.optional(v.pipe(v.string(), v.maxLength(10)), ''),
  unit: v.picklist(['years', 'months']),
  password: v.optional(v.string()),
});

describe('form state: errors by field, as codes, never values', () => {
  it('maps valibot issues to one code per declared field', () => {
    const result = v.safeParse(Form, {
      _csrf: 'x',
      age: '',
      hr: '-5',
      note: 'x'.repeat(11),
      unit: 'weeks',
      evil: 1,
    });
    expect(result.success).toBe(false);
    const errors = fieldErrorsOf(Form, result.issues ?? []);
    expect(errors).toEqual({ age: 'required', hr: 'format', note: 'too-long', unit: 'choice' });
    expect(JSON.stringify(errors)).not.toContain('-5');
  });

  it('knows the keys of every option of a variant', () => {
    const variant = v.variant('mode', [
      v.object({ mode: v.literal('a'), x: v.string() }),
      v.object({ mode: v.literal('b'), y: v.string() }),
    ]);
    expect([...declaredKeys(variant)].sort()).toEqual(['mode', 'x', 'y']);
  });

  it('forgets forms after their time, bounds how many, and forgets by id', () => {
    const clock = new ManualClock(0);
    const store = new FormStore({ clock, ttlMs: 1000, maxForms: 2 });
    store.keep('d1', 'report:tap-1', { values: { hr: '80' }, errors: {} });
    store.keep('d1', 'report:tap-2', { values: { hr: '90' }, errors: {} });
    store.keep('d2', 'report:tap-1', { values: { hr: '70' }, errors: {} });
    expect(store.size).toBe(2);
    expect(store.get('d1', 'report:tap-1')).toBeUndefined();
    expect(store.forget((id) => id.endsWith(':tap-1'))).toBe(1);
    clock.advance(1001);
    expect(store.get('d1', 'report:tap-2')).toBeUndefined();
    expect(() => new FormStore({ clock, ttlMs: 0, maxForms: 1 })).toThrow();
  });
});

describe('a refused form post keeps what was typed (the one validation hook)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('ambulance');
    h.gateway.routes.add({
      method: 'post',
      path: '/test/form',
      summary: 'test form',
      access: { kind: 'roles', roles: ['crew'] },
      body: { kind: 'form', schema: Form },
      response: { kind: 'redirect' },
      redirectOnInvalid: '/',
      handler: async (c) => {
        await h.gateway.formDone(c);
        return c.redirect('/', 303);
      },
    });
    h.gateway.panels.set('report', (ctx) => JSON.stringify(ctx.form?.('test-one') ?? null));
  });
  afterAll(() => h.gateway.close());

  const post = (
    session: { cookie: string; csrf: string },
    form: Record<string, string>,
    path = '/test/form',
  ) =>
    h.request(path, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
      },
      body: new URLSearchParams({ _csrf: session.csrf, _form: 'test-one', ...form }),
    });
  const kept = async (session: { cookie: string }) =>
    JSON.parse(
      (await (await h.request('/panels/report', { headers: { cookie: session.cookie } })).text()).replace(
        /&quot;/g,
        '"',
      ),
    ) as { values: Record<string, string>; errors: Record<string, string> } | null;

  it('redirects to the screen without ?error, and the screen has every value and an error per field', async () => {
    const crew = h.session('crew');
    const answer = await post(crew, {
      age: 'abc',
      hr: '-5',
      note: 'x'.repeat(20),
      unit: 'years',
      password: 'secret',
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/');
    const state = await kept(crew);
    expect(state?.values).toMatchObject({ age: 'abc', hr: '-5', note: 'x'.repeat(20), unit: 'years' });
    expect(state?.values['password']).toBeUndefined();
    expect(state?.errors).toEqual({ age: 'format', hr: 'format', note: 'too-long' });
  });

  it('a good post forgets the kept form', async () => {
    const crew = h.session('crew');
    await post(crew, { age: 'abc', unit: 'years' });
    expect(await kept(crew)).not.toBeNull();
    const ok = await post(crew, { age: '68', unit: 'years' });
    expect(ok.headers.get('location')).toBe('/');
    expect(await kept(crew)).toBeNull();
  });

  it('keeps a draft as it is typed (POST /forms/draft, memory only, nothing in the URL)', async () => {
    const crew = h.session('crew');
    const answer = await post(crew, { age: '7', hr: '12' }, '/forms/draft');
    expect(answer.status).toBe(204);
    expect((await kept(crew))?.values).toMatchObject({ age: '7', hr: '12' });
  });
});
