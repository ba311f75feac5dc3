import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSPITAL, type Fleet } from '../support/role-processes.js';
import {
  acceptAndSeeConfirmed,
  apiLogIn,
  askAndSeeOnTheDesk,
  inquiryFleet,
  panel,
  postForm,
} from '../support/role-http.js';

/**
 * The dispatch centre's process killed (kill -9) while a case waits for a hospital's answer, with the
 * roles as `run --config` starts them over the shipped Mosquitto: started again on the same data
 * directory it still shows the case and whom it asked, takes the hospital's acceptance and confirms
 * it (before: the restarted centre showed no case, refused the answer, and the hospital's "yes" was
 * never confirmed).
 */
describe('an acceptance inquiry across a kill -9 of dispatch', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await inquiryFleet();
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('the case is still open after the restart, and the acceptance is confirmed', async () => {
    const dispatchBefore = fleet.dispatch;
    const hospital = fleet.hospital;
    if (dispatchBefore === undefined || hospital === undefined) throw new Error('roles missing');
    const [desk, board] = await Promise.all([apiLogIn(dispatchBefore.login), apiLogIn(hospital.login)]);
    const { caseId, inquiryId } = await askAndSeeOnTheDesk(dispatchBefore.url, desk, hospital.url, board);
    const dispatch = await fleet.restart(dispatchBefore, 'SIGKILL');
    const cases = await panel(dispatch.url, desk, 'inquiries');
    expect(cases).toContain(`data-case="${caseId}"`);
    expect(cases).toContain('data-phase="pending"');
    // The dispatcher's incident form shows it again, with its ranking.
    expect(await panel(dispatch.url, desk, 'incident')).toMatch(
      new RegExp(`data-form="send">.*?name="caseId" value="${caseId}"`, 's'),
    );
    // Its incident came back too: the case can be ranked again (asking the same hospital twice
    // changes nothing; without the incident the route answers 404).
    expect(
      await postForm(dispatch.url, desk, '/dispatch/inquiries', { caseId, [`to_${HOSPITAL}`]: 'on' }),
    ).toBe(303);
    await acceptAndSeeConfirmed(dispatch.url, desk, hospital.url, board, inquiryId);
  }, 180_000);
});
