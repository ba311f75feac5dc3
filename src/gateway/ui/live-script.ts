/**
 * The screens' only script, served as /assets/live.js (CSP allows no inline script). It listens for
 * server-sent events and refetches a panel when told it changed: the event carries a panel id, never
 * patient data. On every (re)connect every panel is refetched once, since events sent while the stream
 * was down are lost. EventSource reconnects by itself after the server's `retry:` delay; a closed stream
 * (session over) sends the screen back to the login page, as does local inactivity.
 */
export const LIVE_SCRIPT = `(() => {
  'use strict';
  const live = document.querySelector('[data-live]');
  const idleMs = Number(document.body.dataset.idleMs || 0);
  let lastActivity = Date.now();
  let lastKeepAlive = Date.now();
  const loggedOff = () => { location.href = '/login?error=idle'; };
  const show = (up) => {
    if (!live) return;
    live.dataset.state = up ? 'up' : 'down';
    live.textContent = up ? live.dataset.up : live.dataset.down;
  };
  const refresh = async (id) => {
    const body = document.querySelector('[data-panel="' + CSS.escape(id) + '"] [data-panel-body]');
    if (!body) return;
    const response = await fetch('/panels/' + encodeURIComponent(id), { headers: { 'x-ems-background': '1' } });
    if (response.status === 401) return loggedOff();
    if (response.ok) body.innerHTML = await response.text();
  };
  const events = new EventSource('/events');
  // Events sent while the stream was down (or before it first connected, right after a form post's
  // redirect) are lost: on every (re)connect, refetch each panel once.
  events.addEventListener('open', () => {
    show(true);
    document.querySelectorAll('[data-panel]').forEach((p) => refresh(p.dataset.panel));
  });
  events.addEventListener('error', () => {
    show(false);
    if (events.readyState === EventSource.CLOSED) {
      fetch('/api/v1/session', { headers: { 'x-ems-background': '1' } }).then((r) => {
        if (r.status === 401) loggedOff();
      });
    }
  });
  events.addEventListener('panel', (e) => { refresh(JSON.parse(e.data).id); });
  events.addEventListener('logout', () => { events.close(); loggedOff(); });
  const active = () => {
    lastActivity = Date.now();
    // A touch counts as activity on the server too, at most once a minute.
    if (Date.now() - lastKeepAlive > 60000) { lastKeepAlive = Date.now(); fetch('/api/v1/session'); }
  };
  addEventListener('pointerdown', active);
  addEventListener('keydown', active);
  if (idleMs > 0) setInterval(() => { if (Date.now() - lastActivity >= idleMs) loggedOff(); }, 5000);
})();
`;
