import { describe, expect, it } from 'vitest';
import { failure } from '../../src/reader/outcomes.js';
import { mayFetch, mayIdentify, newSession, pinAllowed, reduce } from '../../src/roles/tablet/index.js';

describe('card session state machine', () => {
  it('a card removed mid-read says "tap again"; once identified, removal changes nothing', () => {
    const reading = reduce(newSession('tap-00000001'), { type: 'identify-started', mode: 'visual' });
    expect(reading.phase).toEqual({ kind: 'reading', mode: 'visual', step: 'starting' });
    const removed = reduce(reading, { type: 'identify-failed', failure: failure('card-removed', 'gone', 3) });
    expect(removed.phase.kind).toBe('removed');
    expect(mayIdentify(removed.phase)).toBe(false);
  });

  it('the PIN is offered only while more than one try remains; a wrong PIN updates the count', () => {
    const s = reduce(newSession('tap-00000002'), { type: 'pin-tries', tries: 2 });
    expect(pinAllowed(s)).toBe(true);
    const wrong = reduce(reduce(s, { type: 'identify-started', mode: 'pin' }), {
      type: 'identify-failed',
      failure: failure('pin-wrong', '63C1', 4, 1),
    });
    expect(wrong.pinTries).toBe(1);
    expect(pinAllowed(wrong)).toBe(false);
    expect(mayIdentify(wrong.phase)).toBe(true);
  });

  it('consent only after identity; a records fetch only after identity or upstream trouble', () => {
    const s = newSession('tap-00000003');
    expect(reduce(s, { type: 'consent', consent: { basis: 'given' } })).toBe(s);
    expect(mayFetch(s.phase)).toBe(false);
    const down = reduce(s, {
      type: 'fetched',
      outcome: { code: 'upstream-unavailable', attempts: 4, breaker: 'closed' },
      retrying: true,
    });
    expect(mayFetch(down.phase)).toBe(true);
    const refused = reduce(s, {
      type: 'fetched',
      outcome: { code: 'not-found', attempts: 1 },
      retrying: false,
    });
    expect(mayFetch(refused.phase)).toBe(false);
  });
});
