import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_CSS } from '../../src/gateway/ui/components/index.js';
import { SCREEN_PANELS } from '../../src/gateway/ui/panels.js';
import { DECLINE_REASONS } from '../../src/hospital-feed/index.js';
import { ROLES_CSS } from '../../src/roles/stylesheet/index.js';
import type { Instance } from '../gateway/harness.js';
import { waitFor } from '../support/wait.js';
import { reportOnBoard, SAMPLE_REPORT, startRoles, type RunningRoles } from './running-roles.js';

/**
 * Issue 15, item 6: every screen speaks the page's language. What a user reads (text, and the
 * aria-label / title / alt / placeholder attributes) of every screen and panel, in Japanese and in
 * English, after a card read, a report and a decline, must show no message key left untranslated
 * (`state.received`), no wire code (`no-bed`), and on a Japanese page no English word beyond the
 * abbreviations Japanese clinicians use as they are.
 */
const shown = (html: string): string =>
  html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]*\b(?:aria-label|title|alt|placeholder)="([^"]*)"[^>]*>/g, ' $1 ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/**
 * Written as Japanese screens write them (JTAS, JCS/GCS, SpO2, CT/MRI, ICU…), the language switch's
 * own label, file kinds, and the synthetic directory's bilingual hospital names ("デモ病院 A · Demo
 * hospital A"); anything else in Latin letters on a Japanese page is a leak.
 */
const LATIN_IN_JAPANESE = new Set([
  'ATMIST',
  'CT',
  'MRI',
  'ICU',
  'JTAS',
  'JCS',
  'GCS',
  'SpO2',
  'ETA',
  'QR',
  'PIN',
  'GPS',
  'PDF',
  'PNG',
  'JPEG',
  'JST',
  'mm',
  'mmHg',
  'FHIR',
  'ICD',
  'English',
  'Demo',
  'hospital',
  'DNAR',
  'ECG',
  'HOT',
  'YJ',
  'ATC',
  'ID',
  'mg',
  'dL',
  'HbA1c',
  'LDL',
  'Hg',
]);

/** What the test itself typed into the report, which the screens rightly show back. */
const TYPED = [
  SAMPLE_REPORT.mechanism,
  SAMPLE_REPORT.injuries,
  SAMPLE_REPORT.treatment,
  SAMPLE_REPORT.callSign,
];

const SCREENS: Readonly<Record<Instance, readonly ['crew' | 'triage' | 'dispatcher', readonly string[]]>> = {
  ambulance: ['crew', SCREEN_PANELS.crew],
  hospital: ['triage', SCREEN_PANELS.triage],
  dispatch: ['dispatcher', SCREEN_PANELS.dispatcher],
};

describe('every screen in Japanese and English: no message keys, no wire codes, no English leaks', () => {
  let rr: RunningRoles;
  let detail = '';

  beforeAll(async () => {
    rr = await startRoles();
    const tablet = rr.roles.ambulance;
    const crew = tablet.session('crew');
    ({ detail } = await reportOnBoard(rr));
    // The hospital declines with a reason, so the tablet must put the reason in words.
    const hospital = rr.roles.hospital;
    const triage = hospital.session('triage');
    await hospital.request(`${detail}/answer`, {
      method: 'POST',
      headers: { cookie: triage.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: triage.csrf, decision: 'decline', reason: 'no-bed' }).toString(),
    });
    await waitFor(
      async () =>
        (
          await tablet.request('/panels/report', { headers: { cookie: crew.cookie } }).then((r) => r.text())
        ).includes('data-state="declined"'),
      'the decline on the tablet',
    );
  }, 120_000);

  afterAll(() => rr.demo.stop());

  /** Each screen, panel (and the report's detail) as served: where, the words shown, the raw HTML. */
  const pagesOf = async (instance: Instance, lang: 'ja' | 'en'): Promise<[string, string, string][]> => {
    const [role, panels] = SCREENS[instance];
    const r = rr.roles[instance];
    const s = r.session(role);
    const admin = r.session('admin');
    const paths: [string, string][] = [
      ['/login', ''],
      ['/', s.cookie],
      ...panels.map((p): [string, string] => [`/panels/${p}`, s.cookie]),
      ['/', admin.cookie],
      ...(instance === 'hospital' ? [[detail, s.cookie] as [string, string]] : []),
    ];
    const out: [string, string, string][] = [];
    for (const [path, cookie] of paths) {
      const response = await r.request(`${path}?lang=${lang}`, cookie === '' ? {} : { headers: { cookie } });
      const html = await response.text();
      out.push([`${instance} ${lang} ${path}`, shown(html), html]);
    }
    return out;
  };

  it('the board row and the detail say the sex the tablet report carried (issue 15: never 「性別未記載」)', async () => {
    const hospital = rr.roles.hospital;
    const triage = hospital.session('triage');
    for (const path of ['/panels/incoming?lang=ja', `${detail}?lang=ja`]) {
      const text = shown(await (await hospital.request(path, { headers: { cookie: triage.cookie } })).text());
      expect(text).toMatch(new RegExp(`${SAMPLE_REPORT.ageValue}歳\\s+女性`));
      expect(text).not.toContain('性別未記載');
    }
  });

  // Issue 15 item 1: the CSP allows style-src 'self' only, so a `<style>` or a `style=` in a page
  // would be dropped by the browser; every style lives in /assets/ui.css, the roles' own included.
  it.each(['ambulance', 'hospital', 'dispatch'] as const)(
    '%s: no <style> element and no style= attribute in any screen, panel or detail; the roles’ CSS in /assets/ui.css',
    async (instance) => {
      const problems: string[] = [];
      for (const [where, , html] of await pagesOf(instance, 'en')) {
        if (/<style\b/i.test(html)) problems.push(`${where}: <style>`);
        if (/<[^>]*\sstyle=/i.test(html)) problems.push(`${where}: style=`);
      }
      expect(problems).toEqual([]);
      const r = rr.roles[instance];
      const css = await (await r.request('/assets/ui.css')).text();
      expect(css).toContain(UI_CSS);
      expect(css).toContain(ROLES_CSS);
    },
  );

  it.each(['ambulance', 'hospital', 'dispatch'] as const)('%s', async (instance) => {
    const problems: string[] = [];
    for (const lang of ['ja', 'en'] as const) {
      for (const [where, text] of await pagesOf(instance, lang)) {
        // A message key shown as such: lower-case dotted words ("state.received", "qr.demo.option").
        for (const key of text.match(/\b[a-z][a-zA-Z]*(?:\.[a-z][a-zA-Z0-9-]*)+\b/g) ?? [])
          problems.push(`${where}: message key "${key}"`);
        for (const code of [...DECLINE_REASONS.filter((r) => r.includes('-')), 'tries left', 'drug(s)'])
          if (new RegExp(`(^|[^\\w-])${code.replace(/[.*+?^${}()|[\]\\#]/g, '\\$&')}($|[^\\w-])`).test(text))
            problems.push(`${where}: wire code or raw label "${code}"`);
        if (lang === 'ja') {
          let rest = text;
          for (const typed of TYPED) rest = rest.split(typed).join(' ');
          // Identifiers are shown as they are: user and instance ids (crew-demo, hosp-demo-a), report
          // and audit ids (hex), ICD-10 codes (K549), "#3" holder numbers.
          rest = rest
            .replace(/\b[a-z0-9]+(?:-[a-z0-9]+)+\b/g, ' ')
            .replace(/\b[0-9a-f]{6,}\b/g, ' ')
            .replace(/\bDemo (?:hospital|ambulance|dispatch(?: centre)?)\b/g, ' ')
            .replace(/\b[A-Z][0-9]{2,}[0-9A-Z.]*\b/g, ' ');
          for (const word of rest.match(/[A-Za-z][A-Za-z0-9]*/g) ?? [])
            if (word.length > 1 && !LATIN_IN_JAPANESE.has(word) && !/^[A-Z]$/.test(word))
              problems.push(`${where}: English "${word}" on a Japanese page`);
          if (/\bactive\b/.test(rest)) problems.push(`${where}: the code "active" on a Japanese page`);
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });
});
