/**
 * The component layer (src/gateway/ui/components) rendered to HTML in both languages: labels, hints,
 * inline errors worded with the field's label and joined by aria-describedby, kept values, the error
 * summary linking to each field, warning buttons only inside a confirmation step, the acuity legend.
 */
import { describe, expect, it } from 'vitest';
import {
  AcuityLegend,
  ActionForm,
  Banner,
  Choices,
  Confirm,
  ErrorSummary,
  errorItems,
  Field,
  Form,
  SummaryList,
  Timeline,
  UI_CSS,
} from '../../src/gateway/ui/components/index.js';
import type { FormState } from '../../src/gateway/ui/form-state.js';

type Node = { toString(): string | Promise<string> } | null;
const html = async (node: unknown): Promise<string> =>
  (node as Node) === null ? '' : await (node as { toString(): string | Promise<string> }).toString();

const STATE: FormState = {
  values: { hr: '-5', sex: 'female', note: 'あ' },
  errors: { hr: 'format', sex: 'choice' },
};

describe('components', () => {
  it('a field keeps the typed value and names its error with its own label (ja and en)', async () => {
    const ja = await html(
      Field({ name: 'hr', label: '心拍数', kind: 'number', hint: '20–300', state: STATE, locale: 'ja' }),
    );
    expect(ja).toContain('value="-5"');
    expect(ja).toContain('inputmode="numeric"');
    expect(ja).toContain('aria-invalid="true"');
    expect(ja).toContain('aria-describedby="hr-hint hr-error"');
    expect(ja).toContain('心拍数は半角数字で入力してください（20–300）');
    const en = await html(
      Field({ name: 'hr', label: 'Heart rate', kind: 'number', hint: '20–300', state: STATE, locale: 'en' }),
    );
    expect(en).toContain('Heart rate must be a number (20–300)');
    const plain = await html(
      Field({ name: 'note', label: 'メモ', kind: 'textarea', value: 'default', locale: 'ja' }),
    );
    expect(plain).toContain('>default</textarea>');
    expect(plain).not.toContain('aria-invalid');
  });

  it('a select shows the kept choice; radios sit in a fieldset with the question as legend', async () => {
    const select = await html(
      Field({
        name: 'unit',
        label: '単位',
        kind: 'select',
        options: [
          { value: 'years', label: '歳' },
          { value: 'months', label: 'か月' },
        ],
        value: 'months',
        locale: 'ja',
      }),
    );
    expect(select).toMatch(/<option value="months" selected="">/);
    const radios = await html(
      Choices({
        type: 'radio',
        name: 'sex',
        legend: '性別',
        choices: [
          { value: 'male', label: '男性' },
          { value: 'female', label: '女性' },
        ],
        state: STATE,
        locale: 'ja',
      }),
    );
    expect(radios).toMatch(/<fieldset[^>]*>\s*<legend class="choices__legend">性別<\/legend>/);
    expect(radios).toMatch(/value="female" checked=""/);
    expect(radios).toContain('性別を選んでください');
  });

  it('the error summary links each error to its field, worded as at the field, in form order', async () => {
    const items = errorItems(
      STATE,
      { sex: { label: '性別', target: 'sex-male' }, hr: { label: '心拍数', numeric: true } },
      'ja',
    );
    expect(items).toEqual([
      { href: '#sex-male', text: '性別を選んでください' },
      { href: '#hr', text: '心拍数は半角数字で入力してください' },
    ]);
    const summary = await html(ErrorSummary({ items, locale: 'en' }));
    expect(summary).toContain('There is a problem');
    expect(summary).toContain('role="alert"');
    const unlabelled = errorItems({ values: {}, errors: { zz: 'required' } }, {}, 'en');
    expect(unlabelled[0]?.text).toBe('Enter this field');
    const form = await html(
      Form({ action: '/x', csrf: 'c', id: 'report:tap-1', locale: 'ja', state: STATE, draft: true }),
    );
    expect(form).toContain('data-error-summary');
    expect(form).toContain('name="_form" value="report:tap-1"');
    expect(form).toContain('data-draft=""');
  });

  it('a form carries its fixed values; a one-button action posts them and its button’s own value', async () => {
    const form = await html(
      Form({ action: '/x', csrf: 'tok', id: 'f:1', locale: 'ja', hidden: { tap: 'tap-1', method: 'm' } }),
    );
    expect(form).toContain('<input type="hidden" name="_csrf" value="tok"/>');
    expect(form).toContain('<input type="hidden" name="_form" value="f:1"/>');
    expect(form).toContain('<input type="hidden" name="tap" value="tap-1"/>');
    expect(form).toContain('<input type="hidden" name="method" value="m"/>');
    const action = await html(
      ActionForm({
        action: '/tablet/consent',
        csrf: 'tok',
        hidden: { tap: 'tap-1' },
        submit: { name: 'basis', value: 'given' },
        name: 'consent-given',
        label: '同意あり',
        hint: '説明',
      }),
    );
    expect(action).toMatch(/^<form method="post" action="\/tablet\/consent"/);
    expect(action).toContain('<input type="hidden" name="tap" value="tap-1"/>');
    expect(action).not.toContain('name="_form"');
    expect(action).toMatch(/<p class="small">説明<\/p><button type="submit"[^>]*name="basis" value="given"/);
    expect(action).toContain('data-action="consent-given"');
    // One control: the button is the only thing that posts besides the fixed values.
    expect(action.match(/<(input|select|textarea|button)\b/g)).toEqual(['<input', '<input', '<button']);
  });

  it('a dangerous action is a second step that posts confirm=yes with a warning button', async () => {
    const confirm = await html(
      Confirm({
        id: 'divert',
        open: '搬送先を変更…',
        title: '搬送先の変更',
        consequence: 'A での報告を取り消します',
        action: '/tablet/divert',
        csrf: 'c',
        hidden: { tap: 'tap-00000000' },
        confirmLabel: '変更を確定',
        locale: 'ja',
      }),
    );
    expect(confirm).toMatch(/^<details class="confirm" id="divert"/);
    expect(confirm).not.toContain(' open=');
    expect(confirm).toMatch(
      /<button type="submit" class="button button--warning" name="confirm" value="yes"/,
    );
    expect(confirm).toContain('確認してください: 搬送先の変更');
  });

  it('banners carry a word, not only a colour; legend maps acuity to JTAS and dispatch words', async () => {
    const banner = await html(
      Banner({ tone: 'critical', title: 'ペニシリン', locale: 'ja', kind: 'allergy' }),
    );
    expect(banner).toContain('<span class="visually-hidden">重要: </span>');
    expect(banner).toContain('data-banner="allergy"');
    const legend = await html(AcuityLegend({ locale: 'ja' }));
    for (const w of ['1 · 重篤', '2 · 重症', '3 · 中等症', '4 · 軽症', 'JTAS 1 蘇生', 'JTAS 5 非緊急'])
      expect(legend).toContain(w);
    const list = await html(SummaryList({ rows: [{ key: '同意', value: '同意あり', id: 'consent' }] }));
    expect(list).toContain('<dd class="summary-list__value" data-row="consent">同意あり</dd>');
    const timeline = await html(
      Timeline({ label: '経過', items: [{ label: '送信待ち', tone: 'current', step: 'queued' }] }),
    );
    expect(timeline).toContain('data-step="queued"');
  });

  it('one stylesheet with tokens, touch targets of 48 px and nothing escaped', () => {
    expect(UI_CSS).toContain('--touch:48px');
    expect(UI_CSS).toContain('.button--warning');
    expect(UI_CSS).not.toMatch(/&quot;|<\//);
  });
});
