import type { Gateway } from '../../gateway/index.js';
import type { Clock } from '../../core/index.js';
import type { Receiver } from '../../hospital-feed/index.js';
import type { Logger } from '../../log/index.js';
import { IncomingList } from './board.js';
import { triageRoutes } from './routes.js';
import { triageText } from './text.js';

/** A cancelled (diverted) report stays on the board, marked, this long, so nobody waits for it. */
const SHOW_CANCELLED_MS = 2 * 3600_000;

/**
 * The triage board on the hospital screen: the `incoming` panel (by ETA, acuity colour, alert per
 * new report), the report detail and the desk's actions, redrawn live on every board change. The
 * hospital screen's other panels (status, inquiries) belong to the dispatch part.
 */
export const mountTriage = (deps: {
  readonly gateway: Gateway;
  readonly receiver: Receiver;
  readonly clock: Clock;
  readonly logger: Logger;
}): void => {
  const { gateway, receiver, clock } = deps;
  gateway.panels.set('incoming', (p) => {
    const cancelled = receiver
      .all()
      .filter(
        (r) => r.status === 'cancelled' && r.body !== undefined && p.now - r.updatedAt < SHOW_CANCELLED_MS,
      );
    return (
      <>
        {/* Executed on the first page load only (scripts set through innerHTML never run): the alert. */}
        <script src="/assets/triage.js" defer></script>
        <IncomingList
          active={receiver.board()}
          cancelled={cancelled}
          now={p.now}
          t={p.t}
          tt={triageText(p.locale)}
        />
      </>
    );
  });
  const refresh = (): void => gateway.live.refresh('incoming');
  receiver.on('board', refresh);
  receiver.on('purged', refresh);
  triageRoutes({ gateway, receiver, now: () => clock.now(), logger: deps.logger });
};
