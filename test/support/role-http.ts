import { codeOf, type Login } from './browser.js';
import { cookiesOf, httpRequest } from './http-client.js';
import { HOSPITAL, startFleet, type Fleet } from './role-processes.js';
import { waitFor } from './wait.js';

/** A screen user's session on a role process, as its browser would hold it. */
export interface RoleSession {
  readonly cookie: string;
  readonly csrf: string;
}

/** Logs in over the JSON API (password, TOTP, the role's device code) as the role's screen user. */
export const apiLogIn = async (login: Login): Promise<RoleSession> => {
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

/** One panel of the screen as the live script fetches it (HTML fragment). */
export const panel = async (url: string, s: RoleSession, id: string): Promise<string> => {
  const answer = await httpRequest(new URL(`/panels/${id}`, url).href, { headers: { cookie: s.cookie } });
  if (answer.status !== 200) throw new Error(`panel ${id}: ${answer.status}`);
  return answer.body;
};

/** Posts a screen's form (with the session's CSRF token); returns the status. */
export const postForm = async (
  url: string,
  s: RoleSession,
  path: string,
  form: Record<string, string>,
): Promise<number> => {
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

/** Polls a panel until `pattern` matches; returns the match. */
export const panelMatch = (
  url: string,
  s: RoleSession,
  id: string,
  pattern: RegExp,
  label: string,
): Promise<RegExpExecArray> =>
  waitFor(async () => pattern.exec(await panel(url, s, id)) ?? undefined, label, 30_000, 100);

/**
 * The dispatcher enters a stroke case near the fleet's hospital and asks it (once dispatch holds its
 * signed status); returns the case id.
 */
export const askTheHospital = async (url: string, desk: RoleSession): Promise<string> => {
  await panelMatch(
    url,
    desk,
    'hospitals',
    new RegExp(`data-hospital="${HOSPITAL}" data-freshness="fresh"`),
    'the hospital status at dispatch',
  );
  const entered = await postForm(url, desk, '/dispatch/incident', {
    place: 'shinjuku',
    category: 'stroke',
    acuity: 'serious',
    ageBand: '75-89',
    sex: 'female',
  });
  if (entered !== 303) throw new Error(`incident: ${entered}`);
  const caseId = /data-form="send">.*?name="caseId" value="([a-z0-9-]+)"/s.exec(
    await panel(url, desk, 'incident'),
  )?.[1];
  if (caseId === undefined) throw new Error('no case on the incident panel');
  const asked = await postForm(url, desk, '/dispatch/inquiries', { caseId, [`to_${HOSPITAL}`]: 'on' });
  if (asked !== 303) throw new Error(`inquiries: ${asked}`);
  return caseId;
};

/** Long enough for a kill -9 and a restart on a loaded machine, inside dispatch's answer deadline. */
const RESTART_ANSWER_S = 240;

/**
 * A hospital and a dispatch centre over the shipped Mosquitto, dispatch waiting long for answers;
 * `dispatchEnv` is added to dispatch's environment for its first start (a test seam).
 */
export const inquiryFleet = (dispatchEnv: Record<string, string> = {}): Promise<Fleet> =>
  startFleet({
    hospital: {},
    dispatch: {
      config: {
        inquiries: {
          default: { regionalCentreId: 'regional-centre', answerTimeoutSeconds: RESTART_ANSWER_S },
        },
      },
      env: dispatchEnv,
    },
  });

/** Dispatch asks the hospital; returns the case id and the inquiry id once it is on the hospital desk. */
export const askAndSeeOnTheDesk = async (
  dispatchUrl: string,
  desk: RoleSession,
  hospitalUrl: string,
  board: RoleSession,
): Promise<{ caseId: string; inquiryId: string }> => {
  const caseId = await askTheHospital(dispatchUrl, desk);
  const [, inquiryId = ''] = await panelMatch(
    hospitalUrl,
    board,
    'inquiry-requests',
    /data-inquiry="([a-z0-9-]+)"/,
    'the inquiry on the hospital desk',
  );
  return { caseId, inquiryId };
};

/** The desk accepts; the answer reaches dispatch, which confirms it back to the desk. */
export const acceptAndSeeConfirmed = async (
  dispatchUrl: string,
  desk: RoleSession,
  hospitalUrl: string,
  board: RoleSession,
  inquiryId: string,
): Promise<void> => {
  const answered = await postForm(hospitalUrl, board, '/hospital/inquiries/answer', {
    inquiryId,
    kind: 'accept',
  });
  if (answered !== 303) throw new Error(`answer: ${answered}`);
  await panelMatch(dispatchUrl, desk, 'inquiries', /data-phase="accepted"/, 'the acceptance at dispatch');
  await panelMatch(
    hospitalUrl,
    board,
    'inquiry-requests',
    /data-state="confirmed"/,
    'the confirmation on the hospital desk',
  );
};
