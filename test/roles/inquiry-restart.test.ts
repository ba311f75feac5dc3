import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, type Login } from '../support/browser.js';
import { cookiesOf, httpRequest } from '../support/http-client.js';
import { HOSPITAL, startFleet, type Fleet } from '../support/role-processes.js';
import { waitFor } from '../support/wait.js';

/** Long enough for a kill -9 and a restart on a loaded machine, inside dispatch's deadline. */
const ANSWER_S = 240;

interface Session {
  readonly cookie: string;
  readonly csrf: string;
}

/** Logs in over the JSON API (password, TOTP, the role's device code) as the role's screen user. */
const logIn = async (login: Login): Promise<Session> => {
  const answer = await httpRequest(new URL('/api/v1/login', login.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      userId: login.userId,
      password: login.password,
      otp: codeOf(login),
      deviceToken: login.deviceToken,
    }),
  });
  if (answer.status !== 200) throw new Error(`log-in ${login.userId}: ${answer.status} ${answer.body}`);
  return { cookie: cookiesOf(answer).join('; '), csrf: (JSON.parse(answer.body) as { csrf: string }).csrf };
};

const panel = async (url: string, s: Session, id: string): Promise<string> => {
  const answer = await httpRequest(new URL(`/panels/${id}`, url).href, { headers: { cookie: s.cookie } });
  if (answer.status !== 200) throw new Error(`panel ${id}: ${answer.status}`);
  return answer.body;
};

const post = async (url: string, s: Session, path: string, form: Record<string, string>): Promise<number> => {
  const answer = await httpRequest(new URL(path, url).href, {
    method: 'POST',
    headers: {
      cookie: s.cookie,
      'content-type': 'application/x-www-form-urlencoded',
      origin: new URL(url).origin,
    },
    body: new URLSearchParams({ _csrf: s.csrf, ...form }).toString(),
  });
  return answer.status;
};

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

  it('is listed again after the restart, answerable, and the answer reaches dispatch', async () => {
    const dispatch = fleet.dispatch;
    const hospitalBefore = fleet.hospital;
    if (dispatch === undefined || hospitalBefore === undefined) throw new Error('roles missing');
    const [desk, board] = await Promise.all([logIn(dispatch.login), logIn(hospitalBefore.login)]);

    // Dispatch ranks the hospital once its signed status arrived, and asks it.
    await waitFor(
      async () =>
        new RegExp(`data-hospital="${HOSPITAL}" data-freshness="fresh"`).test(
          await panel(dispatch.url, desk, 'hospitals'),
        ) || undefined,
      'the hospital status at dispatch',
      30_000,
      250,
    );
    expect(
      await post(dispatch.url, desk, '/dispatch/incident', {
        place: 'shinjuku',
        category: 'stroke',
        acuity: 'serious',
        ageBand: '75-89',
        sex: 'female',
      }),
    ).toBe(303);
    const caseId = /data-form="send">.*?name="caseId" value="([a-z0-9-]+)"/s.exec(
      await panel(dispatch.url, desk, 'incident'),
    )?.[1];
    if (caseId === undefined) throw new Error('no case on the incident panel');
    expect(await post(dispatch.url, desk, '/dispatch/inquiries', { caseId, [`to_${HOSPITAL}`]: 'on' })).toBe(
      303,
    );
    const inquiryId = await waitFor(
      async () =>
        /data-inquiry="([a-z0-9-]+)"/.exec(await panel(hospitalBefore.url, board, 'inquiry-requests'))?.[1],
      'the inquiry on the hospital desk',
      30_000,
      100,
    );
    expect(inquiryId.startsWith(caseId)).toBe(true);

    // The box dies with the inquiry open, and starts again on the same data directory.
    const hospital = await fleet.restart(hospitalBefore, 'SIGKILL');
    const listed = await panel(hospital.url, board, 'inquiry-requests');
    expect(listed.match(/data-inquiry="/g)).toHaveLength(1);
    expect(listed).toContain(`data-inquiry="${inquiryId}"`);
    expect(listed).toContain('data-action="accept"');

    // The desk accepts; the answer reaches dispatch, which confirms it back.
    expect(await post(hospital.url, board, '/hospital/inquiries/answer', { inquiryId, kind: 'accept' })).toBe(
      303,
    );
    await waitFor(
      async () =>
        (await panel(dispatch.url, desk, 'inquiries')).includes('data-phase="accepted"') || undefined,
      'the acceptance at dispatch',
      30_000,
      100,
    );
    const closed = await waitFor(
      async () => {
        const html = await panel(hospital.url, board, 'inquiry-requests');
        return html.includes('data-state="confirmed"') ? html : undefined;
      },
      'the confirmation on the hospital desk',
      30_000,
      100,
    );
    expect(closed).not.toContain('data-action="accept"');
  }, 180_000);
});
