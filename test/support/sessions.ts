import { deviceCookieValue, type Gateway, type UserRoleName } from '../../src/gateway/index.js';

/** The enrolled browser the tests' direct sessions are bound to. */
export const TEST_DEVICE = 'test-device-0001';

/**
 * A session created directly in an instance's store (bypassing log-in), with the Cookie header that
 * carries it: the session cookie and the enrolled-device cookie it is bound to (plain-HTTP names).
 */
export const directSession = (
  gateway: Pick<Gateway, 'sessions' | 'deviceToken'>,
  userId: string,
  role: UserRoleName,
): { id: string; cookie: string; csrf: string } => {
  const s = gateway.sessions.create(userId, role, TEST_DEVICE);
  return {
    id: s.id,
    cookie: `ems-session=${s.id}; ems-device=${deviceCookieValue(gateway.deviceToken, TEST_DEVICE)}`,
    csrf: s.csrf,
  };
};
