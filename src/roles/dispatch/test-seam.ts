import type { DispatchKind, MessageKind } from '../../hospital-feed/index.js';

/**
 * A test seam, never set in operation (docs/dispatch.md, "Nothing lost across kill -9"): with
 * `EMS_TEST_DISPATCH_KILL_AFTER_OPEN=<kind>` (`inquiry-answer`, `milestone` or `outcome`), the
 * dispatch process sends itself SIGKILL right after it opened the first inbox message of that kind,
 * before anything of it is committed: the window a kill -9 could hit. The restart test
 * (test/roles/dispatch-answer-crash.test.ts) then starts it again without the variable and checks
 * that the broker's redelivery is applied, once.
 */
export const TEST_KILL_AFTER_OPEN = 'EMS_TEST_DISPATCH_KILL_AFTER_OPEN';

export type AfterOpen = (kind: DispatchKind | MessageKind) => void;

export const killAfterOpenFrom = (env: NodeJS.ProcessEnv): AfterOpen | undefined => {
  const kind = env[TEST_KILL_AFTER_OPEN];
  if (kind === undefined || kind === '') return undefined;
  return (opened) => {
    if (opened === kind) process.kill(process.pid, 'SIGKILL');
  };
};
