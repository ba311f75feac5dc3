import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../src/gateway/server.js';
import { startRig, type Rig } from '../support/tablet-rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
}, 60_000);
afterAll(async () => rig?.close());

/** Holds this thread's event loop, as seconds of synchronous work (the FHIR schema's compile) do. */
const holdEventLoop = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * The rig's crew talked to the tablet's gateway over kept-alive connections, which the gateway closes
 * after KEEP_ALIVE_TIMEOUT_MS idle while fetch, counting on a clock a busy event loop slows, could
 * still hold one for reuse: a request after seconds of synchronous work (a test's FHIR schema check)
 * met a closed socket and failed with ECONNRESET, failing a test for nothing. Now each request has a
 * connection of its own (test/support/http-client.ts, fetchOwnConnection).
 */
describe("the tablet rig's connections to the gateway", () => {
  it('leaves no connection idle for the gateway to close, so a request after its keep-alive timeout goes through', async () => {
    const first = await rig.crew.post('/tablet/patient/new', { ageBand: '40-49', sex: 'unknown' });
    expect(first.status).toBe(303);
    // The gateway's own word that this connection ends with this answer (RFC 9112 §9.6): nothing is
    // left for a later request to reuse. Before: `keep-alive`, with `Keep-Alive: timeout=5`.
    expect(first.headers.get('connection')).toBe('close');
    expect(first.headers.get('keep-alive')).toBeNull();

    // Past the gateway's idle timeout, with the event loop held meanwhile (its timers run late).
    holdEventLoop(KEEP_ALIVE_TIMEOUT_MS + 500);
    const after = await rig.crew.post('/tablet/patient/new', { ageBand: '50-59', sex: 'female' });
    expect(after.status).toBe(303);
    expect(after.headers.get('connection')).toBe('close');
    expect(await rig.crew.panel('card')).toContain('data-');
  });
});
