import * as v from 'valibot';
import { formatJst, type Gateway } from '../../gateway/index.js';
import { ActionForm, Button, Field, Form, SummaryList, Tag } from '../../gateway/ui/components/index.js';
import type { Logger } from '../../log/index.js';
import { threadText } from '../thread-text.js';
import { back, CREW, crewForm } from './crew-forms.js';
import type { GpsEta } from './gps.js';

/**
 * The browser side of the GPS ETA, served as /assets/geo.js (CSP allows no inline script): watches
 * the position (the browser asks the crew for permission) and posts each fix in a request body, at
 * most every 2 s (the latest wins). Only its age is sent, not the browser's clock.
 */
export const GEO_SCRIPT = `(() => {
  'use strict';
  if (!('geolocation' in navigator)) return;
  let pending;
  let timer;
  let last = 0;
  const flush = () => {
    timer = undefined;
    const p = pending;
    if (!p) return;
    pending = undefined;
    last = Date.now();
    fetch('/api/v1/tablet/position', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ems-background': '1' },
      body: JSON.stringify({
        lat: p.coords.latitude,
        lon: p.coords.longitude,
        accuracy: p.coords.accuracy,
        ageMs: Math.max(0, Math.round(Date.now() - p.timestamp)),
      }),
    }).catch(() => undefined);
  };
  navigator.geolocation.watchPosition((p) => {
    pending = p;
    if (!timer) timer = setTimeout(flush, Math.max(0, 2000 - (Date.now() - last)));
  }, () => undefined, { enableHighAccuracy: true, maximumAge: 10000 });
})();
`;

/** A fix as the script posts it: never logged, never echoed (a refusal names no value). */
const Position = v.object({
  lat: v.pipe(v.number(), v.minValue(-90), v.maxValue(90)),
  lon: v.pipe(v.number(), v.minValue(-180), v.maxValue(180)),
  accuracy: v.pipe(v.number(), v.minValue(0), v.maxValue(100_000)),
  ageMs: v.pipe(v.number(), v.minValue(0), v.maxValue(86_400_000)),
});
const ManualForm = v.object({
  _csrf: v.string(),
  minutes: v.pipe(v.string(), v.regex(/^\d{1,3}$/)),
});
const ClearForm = v.object({ _csrf: v.string() });
const MANUAL_FORM = 'eta-manual';

const minutesUntil = (at: number, now: number): number => Math.max(0, Math.round((at - now) / 60_000));

/** The ETA panel, the position endpoint, the crew's override and the script. */
export const mountEta = (deps: {
  readonly gateway: Gateway;
  readonly gps: GpsEta;
  readonly now: () => number;
  readonly logger: Logger;
}): void => {
  const { gateway, gps } = deps;
  gps.on('changed', () => gateway.live.refresh('eta'));
  gateway.panels.set('eta', (p) => {
    const w = threadText(p.locale);
    const view = gps.view();
    const at = (eta: number) => `${formatJst(eta)} (${w('eta.minutes', minutesUntil(eta, p.now))})`;
    return (
      <>
        {/* Runs on the first page load only (scripts set through innerHTML never run). */}
        <script src="/assets/geo.js" defer></script>
        <p class="hint">{w('eta.permission')}</p>
        {view === undefined ? (
          <p class="empty">{w('eta.none')}</p>
        ) : (
          <>
            <SummaryList
              rows={[
                { id: 'eta-sent', key: w('eta.sent'), value: at(view.sentEta) },
                {
                  id: 'eta-gps',
                  key: w('eta.gps'),
                  value: !view.hasSite
                    ? w('eta.noSite')
                    : view.gps === undefined
                      ? w('eta.waiting')
                      : `${at(view.gps.eta)} · ${w('eta.km', view.gps.estimate.distanceKm.toFixed(1))}`,
                },
                ...(view.manualEta === undefined
                  ? []
                  : [
                      {
                        id: 'eta-manual',
                        key: w('eta.manual'),
                        value: <Tag tone="warning">{at(view.manualEta)}</Tag>,
                      },
                    ]),
              ]}
            />
            {view.held === 'stale-fix' ? <p class="hint">{w('eta.stale')}</p> : null}
            {view.held === 'imprecise-fix' ? <p class="hint">{w('eta.imprecise')}</p> : null}
            {view.manualEta === undefined ? (
              <Form
                action="/tablet/eta/manual"
                csrf={p.csrf}
                id={MANUAL_FORM}
                locale={p.locale}
                state={p.form?.(MANUAL_FORM)}
                fields={{ minutes: { label: w('eta.manualMinutes') } }}
              >
                <Field
                  name="minutes"
                  kind="number"
                  width="short"
                  label={w('eta.manualMinutes')}
                  hint="0–999"
                  maxLength={3}
                  state={p.form?.(MANUAL_FORM)}
                  locale={p.locale}
                />
                <Button variant="secondary" action="eta-manual">
                  {w('eta.setManual')}
                </Button>
              </Form>
            ) : (
              <ActionForm
                action="/tablet/eta/clear"
                csrf={p.csrf}
                name="eta-clear"
                label={w('eta.clearManual')}
                variant="secondary"
              />
            )}
          </>
        )}
      </>
    );
  });

  gateway.routes.add({
    method: 'get',
    path: '/assets/geo.js',
    summary: 'The tablet’s position watcher for the GPS ETA (posts fixes in the request body only)',
    access: { kind: 'public' },
    response: { kind: 'text' },
    handler: (c) => c.body(GEO_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  });
  gateway.routes.add({
    method: 'post',
    path: '/api/v1/tablet/position',
    summary: 'The tablet’s position (body only, kept in memory, never logged): updates the GPS ETA',
    access: CREW,
    body: { kind: 'json', schema: Position },
    response: { kind: 'text' },
    handler: async (c, { body }) => {
      const now = deps.now();
      await gps.position({
        position: { lat: body.lat, lon: body.lon },
        accuracyMeters: body.accuracy,
        at: now - body.ageMs,
      });
      return c.body(null, 204);
    },
  });
  crewForm(gateway, {
    path: '/tablet/eta/manual',
    summary: 'The crew’s own ETA (minutes): sent at once, wins over GPS until cleared',
    schema: ManualForm,
    handle: async (body, c) => {
      const set = await gps.setManual(Number(body.minutes));
      if (!set.ok) return gateway.refuseForm(c, { minutes: 'order' });
      await gateway.formDone(c);
      return back(c);
    },
  });
  crewForm(gateway, {
    path: '/tablet/eta/clear',
    summary: 'Back to the GPS ETA',
    schema: ClearForm,
    handle: async () => {
      await gps.clearManual();
    },
  });
};
