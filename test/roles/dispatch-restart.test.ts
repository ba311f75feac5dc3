import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSPITAL, startFleet, type Fleet } from '../support/role-processes.js';
import { apiLogIn, askTheHospital, panel, panelMatch, postForm } from '../support/role-http.js';

/** Long enough for a kill -9 and a restart on a loaded machine, inside the answer deadline. */
const ANSWER_S = 240;

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
    fleet = await startFleet({
      hospital: {},
      dispatch: {
        config: {
          inquiries: { default: { regionalCentreId: 'regional-centre', answerTimeoutSeconds: ANSWER_S } },
        },
      },
    });
  }, 120_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('the case is still open after the restart, and the acceptance is confirmed', async () => {
    const dispatchBefore = fleet.dispatch;
    const hospital = fleet.hospital;
    if (dispatchBefore === undefined || hospital === undefined) throw new Error('roles missing');
    const [desk, board] = await Promise.all([apiLogIn(dispatchBefore.login), apiLogIn(hospital.login)]);
    const caseId = await askTheHospital(dispatchBefore.url, desk);
    const [, inquiryId = ''] = await panelMatch(
      hospital.url,
      board,
      'inquiry-requests',
      /data-inquiry="([a-z0-9-]+)"/,
      'the inquiry on the hospital desk',
    );
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
    expect(
      await postForm(hospital.url, board, '/hospital/inquiries/answer', { inquiryId, kind: 'accept' }),
    ).toBe(303);
    await panelMatch(dispatch.url, desk, 'inquiries', /data-phase="accepted"/, 'the acceptance at dispatch');
    await panelMatch(
      hospital.url,
      board,
      'inquiry-requests',
      /data-state="confirmed"/,
      'the confirmation on the hospital desk',
    );
  }, 180_000);
});
