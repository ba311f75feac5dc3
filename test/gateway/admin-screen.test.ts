import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';

/** What the live script on a screen fetches: its panel base and each panel id on the page. */
const panelFetches = (html: string): string[] => {
  const base = /<main[^>]*data-panel-base="([^"]+)"/.exec(html)?.[1] ?? '/panels/';
  return [...html.matchAll(/data-panel="([^"]+)"/g)].map((m) => `${base}${m[1] ?? ''}`);
};

const record = (
  h: Harness,
  reason: string | null,
  purpose: 'consent' | 'emergency-exception' | null,
): void => {
  h.gateway.audit.record({
    role: 'crew',
    userId: 'crew-user',
    device: 'ambulance-test',
    action: 'read',
    subject: { kind: 'card-session', id: 'tap-0123456789' },
    purpose,
    reason,
    outcome: 'success',
  });
};

/** Issue 15, Dispatch/admin: the admin screen's panels, its audit table and its verify button. */
describe('admin screen', () => {
  let h: Harness;
  afterEach(() => h.gateway.close());

  it.each(['ambulance', 'hospital', 'dispatch'] as const)(
    'on the %s instance every panel the live script refreshes answers the admin (no 403 on refresh)',
    async (instance) => {
      h = await openHarness(instance);
      const cookie = h.cookie('admin');
      const html = await (await h.request('/', { headers: { cookie } })).text();
      const fetches = panelFetches(html);
      expect(fetches.length).toBeGreaterThan(0);
      for (const path of fetches) {
        const response = await h.request(path, { headers: { cookie, 'x-ems-background': '1' } });
        expect(response.status, path).toBe(200);
      }
    },
  );

  it('the audit table has purpose and reason columns, in words', async () => {
    h = await openHarness('ambulance');
    record(h, 'unconscious', 'emergency-exception');
    record(h, null, 'consent');
    const cookie = h.cookie('admin');
    const ja = await (await h.request('/admin/panels/audit?lang=ja', { headers: { cookie } })).text();
    expect(ja).toContain('<th scope="col">目的（同意の根拠）</th>');
    expect(ja).toContain('<th scope="col">理由</th>');
    expect(ja).toContain('緊急時の例外（同意不能）');
    expect(ja).toContain('意識なし');
    expect(ja).toContain('本人の同意');
    const en = await (await h.request('/admin/panels/audit?lang=en', { headers: { cookie } })).text();
    expect(en).toContain('Emergency exception (unable to consent)');
    expect(en).toContain('Unconscious');
  });

  it('the verify button verifies the chain and signed checkpoints and shows the result; a tampered log shows where', async () => {
    h = await openHarness('hospital');
    for (let i = 0; i < 20; i += 1) record(h, null, 'consent');
    const cookie = h.cookie('admin');
    const screen = await (await h.request('/', { headers: { cookie } })).text();
    expect(screen).toMatch(/<a href="\/admin\/verify"[^>]*data-action="verify-audit"/);
    const ok = await (await h.request('/admin/verify?lang=en', { headers: { cookie } })).text();
    expect(ok).toContain('data-banner="audit-intact"');
    expect(ok).toMatch(/Verified: intact \(\d+ entries, 1 signed checkpoints/);
    const db = new Database(h.gateway.auditFile);
    db.exec('DROP TRIGGER entries_no_update');
    db.exec("UPDATE entries SET user_id = 'someone-else' WHERE seq = 5");
    db.close();
    const broken = await (await h.request('/admin/verify?lang=en', { headers: { cookie } })).text();
    expect(broken).toContain('data-banner="audit-hash-mismatch"');
    expect(broken).toContain('An entry was changed.');
    expect(broken).toContain('Verified: broken (entry 5)');
  });
});
