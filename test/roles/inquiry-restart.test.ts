import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fleet } from '../support/role-processes.js';
import {
  acceptAndSeeConfirmed,
  apiLogIn,
  askAndSeeOnTheDesk,
  inquiryFleet,
  panel,
} from '../support/role-http.js';

/**
 * A hospital box restarted (kill -9: a power cut, a crash) while an acceptance inquiry is open: the
 * roles as `run --config` starts them over the shipped Mosquitto. Dispatch asks; the hospital process
 * dies with the inquiry on its desk and starts again on the same data directory; the desk still sees
 * the inquiry, answers it, and dispatch gets the acceptance (before: the restarted desk showed
 * nothing, and dispatch counted the silence as a refusal at its deadline).
 */
describe('an acceptance inquiry across a kill -9 of the hospital', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await inquiryFleet();
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('is listed again after the restart, answerable, and the answer reaches dispatch', async () => {
    const dispatch = fleet.dispatch;
    const hospitalBefore = fleet.hospital;
    if (dispatch === undefined || hospitalBefore === undefined) throw new Error('roles missing');
    const [desk, board] = await Promise.all([apiLogIn(dispatch.login), apiLogIn(hospitalBefore.login)]);

    const { caseId, inquiryId } = await askAndSeeOnTheDesk(dispatch.url, desk, hospitalBefore.url, board);
    expect(inquiryId.startsWith(caseId)).toBe(true);

    // The box dies with the inquiry open, and starts again on the same data directory.
    const hospital = await fleet.restart(hospitalBefore, 'SIGKILL');
    const listed = await panel(hospital.url, board, 'inquiry-requests');
    expect(listed.match(/data-inquiry="/g)).toHaveLength(1);
    expect(listed).toContain(`data-inquiry="${inquiryId}"`);
    expect(listed).toContain('data-action="accept"');

    // The desk accepts; the answer reaches dispatch, which confirms it back.
    await acceptAndSeeConfirmed(dispatch.url, desk, hospital.url, board, inquiryId);
    expect(await panel(hospital.url, board, 'inquiry-requests')).not.toContain('data-action="accept"');
  }, 180_000);
});
