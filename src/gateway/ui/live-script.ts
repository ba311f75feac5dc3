/**
 * The screens' only script, served as /assets/live.js (CSP allows no inline script). It listens for
 * server-sent events and refetches a panel when told it changed: the event carries a panel id, never
 * patient data. On every (re)connect every panel is refetched once, since events sent while the stream
 * was down are lost. Answers can come out of order: one older than the answer shown is dropped.
 * EventSource reconnects by itself after the server's `retry:` delay; a closed stream (session over)
 * sends the screen back to the login page, as does local inactivity. No panel is replaced while a
 * finger is down on the screen (a tap would lose its button): its answer waits for the release.
 *
 * Forms (issue 15): typing in a `form[data-draft]` is saved to the server (`/forms/draft`, memory only)
 * as it goes, so a reload loses nothing; a panel refresh keeps what is being typed, a file chosen (in
 * any form), the focus and any open confirmation step; the error summary takes focus when a page shows one (GOV.UK pattern). The
 * badge says "live" only while both this stream and the hospital link (broker) are up.
 */
export const LIVE_SCRIPT = `(() => {
  'use strict';
  const live = document.querySelector('[data-live]');
  const idleMs = Number(document.body.dataset.idleMs || 0);
  let lastActivity = Date.now();
  let lastKeepAlive = Date.now();
  let streamUp = false;
  let link = 'up';
  // Each screen says where its panels come from (the admin screen's are admin-only routes).
  const main = document.querySelector('main[data-panel-base]');
  const base = main ? main.dataset.panelBase : '/panels/';
  const failing = new Set();
  const loggedOff = () => { location.href = '/login?error=idle'; };
  const show = () => {
    if (!live) return;
    const state = !streamUp ? 'down' : link === 'down' ? 'degraded' : failing.size > 0 ? 'stale' : 'up';
    live.dataset.state = state;
    live.textContent = state === 'up' ? live.dataset.up : state === 'degraded' ? live.dataset.linkDown
      : state === 'stale' ? live.dataset.stale : live.dataset.down;
  };
  const summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();

  // Drafts: saved shortly after typing stops, and when the page goes away. Timers, saves and submits
  // go by the form's id (data-form), never by its element: a panel refresh replaces the element, and
  // a save for the replaced one, sent after the form's own post, would put older typing over the
  // refused form's kept values and errors. A save sends what the form on screen holds at that moment,
  // and waits for the previous save of the same form, so the server sees them in order.
  const timers = new Map();
  const inflight = new Map();
  const posted = new Set();
  const formOf = (id) => document.querySelector('form[data-form="' + CSS.escape(id) + '"]');
  const save = (id) => {
    clearTimeout(timers.get(id));
    timers.delete(id);
    const form = formOf(id);
    if (!form || !form.hasAttribute('data-draft') || posted.has(id)) return Promise.resolve();
    const body = new URLSearchParams(new FormData(form));
    const saving = (inflight.get(id) || Promise.resolve())
      .then(() => fetch('/forms/draft', { method: 'POST', body, keepalive: true }))
      .then(() => { form.dataset.saved = String(Date.now()); })
      .catch(() => undefined)
      .finally(() => { if (inflight.get(id) === saving) inflight.delete(id); });
    inflight.set(id, saving);
    return saving;
  };
  const typed = (e) => {
    const form = e.target && e.target.closest ? e.target.closest('form[data-form]') : null;
    if (!form) return;
    form.dataset.dirty = '1';
    const id = form.dataset.form;
    if (form.hasAttribute('data-draft')) {
      clearTimeout(timers.get(id));
      timers.set(id, setTimeout(() => save(id), 300));
    }
  };
  addEventListener('input', typed);
  addEventListener('change', typed);
  addEventListener('pagehide', () => { [...timers.keys()].forEach(save); });
  // A draft still on its way must reach the server before the form does; once the form is posted no
  // draft of it is sent from this page (the post's answer is what the next page shows).
  addEventListener('submit', (e) => {
    const form = e.target;
    const id = form && form.dataset ? form.dataset.form : undefined;
    if (!id) return;
    clearTimeout(timers.get(id));
    timers.delete(id);
    const saving = inflight.get(id);
    if (saving === undefined) { posted.add(id); return; }
    e.preventDefault();
    const submitter = e.submitter;
    saving.finally(() => form.requestSubmit(submitter && submitter.form === form ? submitter : undefined));
  });

  // A form is in hand once anything in it differs from what the page was sent with. Marked on the
  // first input event, and also read from the controls themselves: what was chosen or typed before
  // this script ran (it is deferred, and a slow tablet shows the page first) fired no event here, and
  // the first refresh, on the stream's open, would put the page's defaults over it.
  const notTyped = ['hidden', 'submit', 'button', 'reset', 'image'];
  const fields = (f) => [...f.elements].filter((el) => el.name && !notTyped.includes(el.type));
  const firstOption = (s) => [...s.options].findIndex((o) => !o.disabled);
  const defaultIndex = (s) => [...s.options].reduce((d, o) => (o.defaultSelected ? o.index : d), firstOption(s));
  const changed = (el) => el.type === 'file' ? el.files.length > 0
    : el.type === 'checkbox' || el.type === 'radio' ? el.checked !== el.defaultChecked
    : el.type === 'select-one' ? el.selectedIndex !== defaultIndex(el)
    : el.type === 'select-multiple' ? [...el.options].some((o) => o.selected !== o.defaultSelected)
    : el.value !== el.defaultValue;
  const inHand = (f) => f.hasAttribute('data-dirty') || fields(f).some(changed);
  const inHandIn = (body, selector) => [...body.querySelectorAll(selector)].filter(inHand);

  // What the person has in hand on a panel: typed values, focus, open confirmation steps.
  const capture = (body) => {
    const forms = [];
    inHandIn(body, 'form[data-form]').forEach((f) => {
      const values = [];
      for (const el of fields(f)) {
        // A chosen file is kept as its FileList: a file input's value can only be set to '' (HTML,
        // value mode "filename": anything else throws), so putting it back by value dropped the file.
        values.push(el.type === 'file' ? { name: el.name, files: el.files }
          : el.type === 'checkbox' || el.type === 'radio' ? { name: el.name, option: el.value, checked: el.checked }
          : { name: el.name, value: el.value });
      }
      forms.push([f.dataset.form, values]);
    });
    const active = document.activeElement && body.contains(document.activeElement) ? document.activeElement.id : '';
    const open = [...body.querySelectorAll('details[open][id]')].map((d) => d.id);
    return { forms, active, open };
  };
  const restore = (body, kept) => {
    for (const [id, values] of kept.forms) {
      const f = body.querySelector('form[data-form="' + CSS.escape(id) + '"]');
      if (!f) continue;
      f.dataset.dirty = '1';
      for (const kept of values) {
        for (const el of f.elements) {
          if (el.name !== kept.name) continue;
          if (el.type === 'file') { if (kept.files) el.files = kept.files; }
          else if (kept.option !== undefined) { if (el.value === kept.option) el.checked = kept.checked; }
          else if (kept.value !== undefined) el.value = kept.value;
        }
      }
    }
    for (const id of kept.open) { const d = document.getElementById(id); if (d && d.tagName === 'DETAILS') d.open = true; }
    if (kept.active) { const el = document.getElementById(kept.active); if (el) el.focus(); }
  };
  // Refreshes of one panel can be answered out of order (each fetch may go on its own connection). An
  // answer older than the one on screen is dropped: it would put back a state the panel has left (a
  // report "sent" again after "received"), and no event would come to correct it.
  let asked = 0;
  const shown = new Map();
  const stale = (id, ticket) => ticket < (shown.get(id) || 0);
  const refresh = async (id) => {
    const panel = document.querySelector('[data-panel="' + CSS.escape(id) + '"]');
    const body = panel && panel.querySelector('[data-panel-body]');
    if (!body) return;
    const ticket = ++asked;
    await Promise.all(inHandIn(body, 'form[data-draft]').map((f) => save(f.dataset.form)));
    // A section of a page other than a screen (the triage detail's messages) names its own address.
    const src = panel.dataset.panelSrc || base + encodeURIComponent(id);
    const response = await fetch(src, { headers: { 'x-ems-background': '1' } })
      .catch(() => undefined);
    if (response && response.status === 401) return loggedOff();
    const html = response && response.ok ? await response.text().catch(() => undefined) : undefined;
    if (stale(id, ticket)) return;
    // "Live" only while panels do refresh: a panel that fails says so on the badge.
    if (html === undefined) { failing.add(id); show(); return; }
    failing.delete(id);
    show();
    shown.set(id, ticket);
    // What is in hand is taken at the last moment: typing done while the panel was on its way stays.
    const put = () => {
      const kept = capture(body);
      body.innerHTML = html;
      restore(body, kept);
    };
    if (pressed.size === 0) put();
    else hold(id, put);
  };
  // No panel is replaced while a finger (or the mouse button) is down: a button replaced between the
  // press and the release is gone from the page, and the browser then sends no click at all (its
  // target has no common ancestor with the release's), so the tap is lost without a word, a form
  // never posted. What arrives meanwhile waits, the newest per panel, and is put in once every press
  // has ended, a task after the release (pointerup, mouseup and click come in one task). Every press
  // ends in a pointerup or a pointercancel (Pointer Events, "pointercancel"); the window losing focus
  // or the page being hidden ends them all too. The page says so (data-panels-waiting) while it waits.
  const pressed = new Set();
  const waiting = new Map();
  const putWaiting = () => {
    if (pressed.size > 0) return;
    const puts = [...waiting.values()];
    waiting.clear();
    delete document.body.dataset.panelsWaiting;
    puts.forEach((put) => put());
  };
  const hold = (id, put) => {
    waiting.set(id, put);
    document.body.dataset.panelsWaiting = '';
  };
  const lifted = (e) => {
    pressed.delete(e.pointerId);
    if (waiting.size > 0) setTimeout(putWaiting, 0);
  };
  const allLifted = () => {
    pressed.clear();
    if (waiting.size > 0) setTimeout(putWaiting, 0);
  };
  addEventListener('pointerdown', (e) => { pressed.add(e.pointerId); }, true);
  addEventListener('pointerup', lifted, true);
  addEventListener('pointercancel', lifted, true);
  addEventListener('blur', allLifted);
  document.addEventListener('visibilitychange', () => { if (document.hidden) allLifted(); });
  const events = new EventSource('/events');
  // Events sent while the stream was down (or before it first connected, right after a form post's
  // redirect) are lost: on every (re)connect, refetch each panel once.
  events.addEventListener('open', () => {
    streamUp = true;
    show();
    document.querySelectorAll('[data-panel]').forEach((p) => refresh(p.dataset.panel));
  });
  events.addEventListener('error', () => {
    streamUp = false;
    show();
    if (events.readyState === EventSource.CLOSED) {
      fetch('/api/v1/session', { headers: { 'x-ems-background': '1' } }).then((r) => {
        if (r.status === 401) loggedOff();
      });
    }
  });
  events.addEventListener('panel', (e) => { refresh(JSON.parse(e.data).id); });
  events.addEventListener('link', (e) => { link = JSON.parse(e.data).state; show(); });
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
