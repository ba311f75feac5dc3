/**
 * The report form's patient sex (issue 15: the board said 「性別未記載」 for every tablet report): the
 * form's vocabulary is the feed's (male | female | unknown), a choice goes into `atmist.sex`, no choice
 * leaves it out (the board then says "not stated"), and the first report is pre-filled from what is
 * known before anyone types.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { BODY_SCHEMAS } from '../../src/hospital-feed/index.js';
import { firstDefaults, fromReport } from '../../src/roles/tablet/report-defaults.js';
import { newFormKey, ReportForm, reportInput } from '../../src/roles/tablet/report-form.js';
import { assuranceOf, newSession } from '../../src/roles/tablet/state.js';

const NOW = Date.parse('2026-03-25T01:00:00Z');
const TAP = 'tap-0123456789abcdef';

const posted = (extra: Record<string, string>) =>
  v.parse(ReportForm, {
    _csrf: 'c',
    tap: TAP,
    key: newFormKey(),
    hospital: 'hosp-a',
    ageValue: '68',
    ageUnit: 'years',
    acuity: '2',
    etaMinutes: '9',
    callSign: 'Rig 01',
    phone: '+81-3-0000-0001',
    ...extra,
  });

const input = (extra: Record<string, string>) => {
  const made = reportInput(posted(extra), {
    now: NOW,
    unitId: 'amb-1',
    previousSigns: [],
    summary: undefined,
    identity: assuranceOf(newSession(TAP)),
  });
  if (!made.ok) throw new Error(made.error);
  return made.value;
};

describe('the report form carries the patient’s sex', () => {
  it('a chosen sex goes into atmist.sex, in the feed’s own vocabulary', () => {
    for (const sex of ['male', 'female', 'unknown'] as const) {
      const body = input({ sex });
      expect(body.atmist.sex).toBe(sex);
      expect(v.safeParse(BODY_SCHEMAS.report, { ...body, reportId: 'report-0001' }).success).toBe(true);
    }
  });

  it('no choice leaves atmist.sex out (the board says "not stated"), never a guess', () => {
    expect('sex' in input({}).atmist).toBe(false);
    expect('sex' in input({ sex: '' }).atmist).toBe(false);
  });

  it('a sex outside the vocabulary is refused by the form', () => {
    expect(v.safeParse(ReportForm, { ...posted({}), sex: 'other' }).success).toBe(false);
  });

  it('an update starts from the sex sent before', () => {
    expect(fromReport(input({ sex: 'female' }))['sex']).toBe('female');
    expect('sex' in fromReport(input({}))).toBe(false);
  });

  it('a first report is pre-filled from the records, else from the crew’s description, else not at all', () => {
    const unknown = { ...newSession(TAP), description: { ageBand: '60-69', sex: 'female' } as const };
    expect(firstDefaults(unknown, { age: 68, sex: 'male' })).toEqual({
      ageValue: '68',
      ageUnit: 'years',
      sex: 'male',
    });
    expect(firstDefaults(unknown, { age: undefined, sex: undefined })).toEqual({ sex: 'female' });
    expect(firstDefaults(newSession(TAP), { age: undefined, sex: undefined })).toEqual({});
  });
});
