/**
 * The triage board's alert, served as /assets/triage.js (CSP allows only our own script files). For
 * every report in the list that is still `new` (not yet viewed by anyone) and that this browser has
 * not alerted on before, it beeps (Web Audio, three short tones) and shows a banner. The alerted
 * report keys (opaque ids) are kept in localStorage, so a reload or a panel refresh never alerts
 * twice. Browsers start audio only after a user gesture: the first touch unlocks it; until then the
 * banner alone signals. The text comes from the server-rendered row (data-alert-text). On a report's
 * page it also sends the `viewed` acknowledgement once the page is visible.
 */
export const TRIAGE_SCRIPT = `(() => {
  'use strict';
  const KEY = 'ems-triage-alerted';
  const seen = new Set(JSON.parse(localStorage.getItem(KEY) || '[]'));
  let audio;
  const unlock = () => {
    if (!audio) audio = new AudioContext();
    if (audio.state === 'suspended') audio.resume();
  };
  addEventListener('pointerdown', unlock);
  const beep = () => {
    try {
      unlock();
      [0, 0.3, 0.6].forEach((at) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = 880;
        gain.gain.value = 0.3;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + at);
        osc.stop(audio.currentTime + at + 0.18);
      });
    } catch (e) { /* no audio device: the banner still shows */ }
  };
  const banner = (text) => {
    let box = document.querySelector('[data-triage-alerts]');
    if (!box) {
      box = document.createElement('div');
      box.dataset.triageAlerts = '';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:sticky;top:0;z-index:10;display:grid;gap:.5rem;padding:.5rem 1rem';
      document.body.insertBefore(box, document.querySelector('main'));
    }
    const item = document.createElement('button');
    item.type = 'button';
    item.className = 'triage-alert';
    item.style.cssText = 'background:#c8102e;border-color:#5c0f0f;font-size:1.4rem;text-align:left';
    item.textContent = '⚠ ' + text;
    item.addEventListener('click', () => item.remove());
    box.appendChild(item);
  };
  const scan = () => {
    let fresh = false;
    document.querySelectorAll('[data-board] [data-report][data-state=new]').forEach((row) => {
      const id = row.dataset.report;
      if (seen.has(id)) return;
      seen.add(id);
      fresh = true;
      banner(row.dataset.alertText || id);
    });
    if (!fresh) return;
    localStorage.setItem(KEY, JSON.stringify([...seen].slice(-500)));
    beep();
  };
  // On a report's page: the \`viewed\` acknowledgement, posted once the page is actually on screen
  // (a GET changes nothing); the state line updates in place, without a second audited read.
  const viewed = document.querySelector('form[data-viewed-form]');
  const sendViewed = () => {
    if (!viewed || viewed.dataset.sent || document.visibilityState !== 'visible') return;
    viewed.dataset.sent = '1';
    fetch(viewed.action, { method: 'POST', body: new URLSearchParams(new FormData(viewed)), redirect: 'manual' })
      .then((r) => {
        if (r.type !== 'opaqueredirect' && !r.ok) { delete viewed.dataset.sent; return; }
        const state = document.querySelector('[data-desk-state]');
        if (state && viewed.dataset.viewedText) state.textContent = viewed.dataset.viewedText;
        viewed.remove();
      }, () => { delete viewed.dataset.sent; });
  };
  document.addEventListener('visibilitychange', sendViewed);
  sendViewed();
  const panel = document.querySelector('[data-panel=incoming]');
  if (panel) new MutationObserver(scan).observe(panel, { childList: true, subtree: true });
  scan();
})();
`;
