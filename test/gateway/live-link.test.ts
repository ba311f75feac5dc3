/**
 * The "live" badge must not say live while reports cannot move (issue 15): the event stream tells a
 * screen the broker link's state as soon as it connects and whenever it changes, and the page's script
 * shows "hospital link down" then. Real SSE over the in-process app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from './harness.js';

const readUntil = async (body: ReadableStream<Uint8Array>, marker: string): Promise<string> => {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  await reader.cancel();
  return text;
};

describe('the live badge follows the broker link', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await openHarness('ambulance');
  });
  afterAll(() => h.gateway.close());

  it('a screen that connects while the link is down is told so at once, and again when it comes back', async () => {
    h.gateway.live.setLink('down');
    const stream = await h.request('/events', { headers: { cookie: h.cookie('crew') } });
    expect(stream.status).toBe(200);
    const body = stream.body as ReadableStream<Uint8Array>;
    const first = await readUntil(body, '"down"');
    expect(first).toMatch(/event: link\ndata: \{"state":"down"\}/);
    const again = await h.request('/events', { headers: { cookie: h.cookie('crew') } });
    const pending = readUntil(again.body as ReadableStream<Uint8Array>, '"up"');
    h.gateway.live.setLink('up');
    expect(await pending).toMatch(/event: link\ndata: \{"state":"up"\}/);
  });
});
