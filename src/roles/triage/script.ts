/**
 * The triage board's script, served as /assets/triage.js (CSP allows only our own script files).
 *
 * Sound: the server decides when an alert sounds again (alerts.ts; each open alert carries
 * `data-alert-signal`, which changes with every re-alert round and at escalation, and the desk redraws
 * the panel at each change). The page beeps once per new (alert, signal) pair: three tones, or a
 * longer lower pattern once escalated. Pairs already sounded are kept in sessionStorage, so a panel
 * redraw or a reload never doubles a beep, and a new round always beeps. Browsers start audio only
 * after a user gesture; the first touch unlocks it (a wall display in kiosk mode is started with
 * Chromium's `--autoplay-policy=no-user-gesture-required`, docs/operations.md); the banner shows
 * regardless. `body[data-alerts-sounded]` counts the beeps, for tests and for the curious.
 *
 * Count-downs: `[data-countdown]` elements are re-rendered from `data-until` (seconds for inquiry
 * deadlines, minutes for ETAs) between redraws. The script never acknowledges anything by itself.
 */
export const TRIAGE_SCRIPT = `(() => {
  'use strict';
  const KEY = 'ems-triage-sounded';
  const sounded = new Set(JSON.parse(sessionStorage.getItem(KEY) || '[]'));
  let audio;
  const unlock = () => {
    if (!audio) audio = new AudioContext();
    if (audio.state === 'suspended') audio.resume();
  };
  addEventListener('pointerdown', unlock);
  const beep = (escalated) => {
    document.body.dataset.alertsSounded = String(Number(document.body.dataset.alertsSounded || 0) + 1);
    try {
      unlock();
      const pattern = escalated ? [0, 0.45, 0.9, 1.35] : [0, 0.3, 0.6];
      pattern.forEach((at) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = escalated ? 660 : 880;
        gain.gain.value = 0.3;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + at);
        osc.stop(audio.currentTime + at + (escalated ? 0.35 : 0.18));
      });
    } catch (e) { /* no audio device: the banner still shows */ }
  };
  const scan = () => {
    let fresh = false;
    let escalated = false;
    document.querySelectorAll('[data-alert-key]').forEach((item) => {
      const id = item.dataset.alertKey + '@' + item.dataset.alertSignal;
      if (sounded.has(id)) return;
      sounded.add(id);
      fresh = true;
      if (item.dataset.escalated) escalated = true;
    });
    if (!fresh) return;
    sessionStorage.setItem(KEY, JSON.stringify([...sounded].slice(-500)));
    beep(escalated);
  };
  const pad = (n) => String(n).padStart(2, '0');
  const countdowns = () => {
    const now = Date.now();
    document.querySelectorAll('[data-countdown]').forEach((el) => {
      const until = Number(el.dataset.until);
      if (!until) return;
      if (el.dataset.countdown === 'seconds') {
        const s = Math.max(0, Math.ceil((until - now) / 1000));
        el.textContent = Math.floor(s / 60) + ':' + pad(s % 60);
      } else {
        const m = Math.ceil((until - now) / 60000);
        el.textContent = m > 0
          ? el.dataset.future.replace('{n}', m)
          : el.dataset.past.replace('{n}', Math.floor((now - until) / 60000));
      }
    });
  };
  setInterval(countdowns, 1000);
  const panel = document.querySelector('[data-panel=incoming]') || document.querySelector('[data-report-detail]');
  if (panel) new MutationObserver(scan).observe(panel, { childList: true, subtree: true });
  scan();
})();
`;
