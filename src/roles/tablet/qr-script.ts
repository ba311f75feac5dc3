/**
 * The tablet's お薬手帳 QR scanner, served as /assets/qr.js after /assets/zxing.js (the @zxing/library
 * UMD build; CSP allows only our own script files). It decodes in the browser, from the camera
 * (getUserMedia, rear camera preferred) or from uploaded images, and posts each new code to
 * /tablet/qr/codes as its raw bytes: ZXing's BYTE_SEGMENTS, never its text guess, since the payloads
 * are Shift_JIS and a structured-append symbol may end inside a character. The symbol's structured-
 * append sequence byte and parity (ISO/IEC 18004) travel beside the bytes; the gateway joins the set.
 *
 * The panel is re-rendered by the live stream while scanning ("2 of 3 codes read"): the video element
 * is the script's own and is put back into the panel's viewfinder after each re-render; when the panel
 * has no viewfinder any more (a preview to confirm, another patient), the camera is switched off.
 * Frames and images never leave the tablet: only decoded codes are sent, to our own gateway.
 */
export const QR_SCRIPT = `(() => {
  'use strict';
  const Z = window.ZXing;
  if (!Z) return;
  const reader = new Z.QRCodeReader();
  const hints = new Map([[Z.DecodeHintType.TRY_HARDER, true]]);
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.setAttribute('playsinline', '');
  video.setAttribute('aria-hidden', 'true');
  video.dataset.qrVideo = '';
  let stream = null;
  let timer = 0;
  let tapOfStream = '';
  // Codes already sent for this patient (bytes and header): a code held in front of the camera is
  // decoded in every frame but posted once.
  const sent = new Set();

  const scanner = () => document.querySelector('[data-qr-scanner]');
  const say = (key) => (scanner() && scanner().dataset[key]) || '';
  const status = (text) => {
    const el = document.querySelector('[data-qr-camera-status]');
    if (el) el.textContent = text;
  };

  const base64 = (bytes) => {
    let s = '';
    for (let i = 0; i < bytes.length; i += 1) s += String.fromCharCode(bytes[i]);
    return btoa(s);
  };

  /** RGBA pixels → luminance (ITU-R BT.601 weights, as ZXing's own sources) → one QR code or null. */
  const decode = (width, height) => {
    const rgba = context.getImageData(0, 0, width, height).data;
    const lum = new Uint8ClampedArray(width * height);
    for (let i = 0, p = 0; p < lum.length; i += 4, p += 1)
      lum[p] = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
    const bitmap = new Z.BinaryBitmap(new Z.HybridBinarizer(new Z.RGBLuminanceSource(lum, width, height)));
    try {
      const result = reader.decode(bitmap, hints);
      const meta = result.getResultMetadata();
      const segments = meta.get(Z.ResultMetadataType.BYTE_SEGMENTS);
      let bytes;
      if (segments && segments.length > 0) {
        const size = segments.reduce((n, s) => n + s.length, 0);
        bytes = new Uint8Array(size);
        let at = 0;
        for (const s of segments) { bytes.set(s, at); at += s.length; }
      } else {
        // No byte-mode segment (numeric, alphanumeric or kanji mode only): its text is exact.
        bytes = new TextEncoder().encode(result.getText());
      }
      const code = { bytes: base64(bytes) };
      const sequence = meta.get(Z.ResultMetadataType.STRUCTURED_APPEND_SEQUENCE);
      const parity = meta.get(Z.ResultMetadataType.STRUCTURED_APPEND_PARITY);
      if (typeof sequence === 'number' && sequence >= 0 && typeof parity === 'number' && parity >= 0) {
        code.sequence = sequence;
        code.parity = parity;
      }
      return code;
    } catch (e) {
      return null;
    } finally {
      reader.reset();
    }
  };

  /**
   * ZXing's finder misses some larger symbols at some sizes, and finds them at others: an image is
   * tried at a few scales (a camera frame at one per frame, in turn) before it counts as unread.
   */
  const SCALES = [1, 0.75, 0.5, 0.6];
  const draw = (source, width, height, factor) => {
    const scale = Math.min(1, 1600 / Math.max(width, height)) * factor;
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    return decode(canvas.width, canvas.height);
  };

  const post = async (codes) => {
    const el = scanner();
    if (!el || codes.length === 0) return;
    const fresh = codes.filter((c) => !sent.has(c.bytes + '/' + c.sequence + '/' + c.parity));
    if (fresh.length === 0) return;
    fresh.forEach((c) => sent.add(c.bytes + '/' + c.sequence + '/' + c.parity));
    const response = await fetch('/tablet/qr/codes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tap: el.dataset.tap, codes: fresh }),
    });
    if (response.status === 401) location.href = '/login?error=idle';
    else if (!response.ok) {
      fresh.forEach((c) => sent.delete(c.bytes + '/' + c.sequence + '/' + c.parity));
      status(say('failed'));
    } else status(say('sent'));
  };

  const stop = () => {
    clearInterval(timer);
    timer = 0;
    if (stream) stream.getTracks().forEach((t) => t.stop());
    stream = null;
    video.srcObject = null;
    video.remove();
  };

  let frames = 0;
  const frame = () => {
    if (video.readyState < 2 || video.videoWidth === 0) return;
    frames += 1;
    const code = draw(video, video.videoWidth, video.videoHeight, SCALES[frames % SCALES.length]);
    if (code) post([code]);
  };

  const start = async () => {
    const el = scanner();
    if (!el || stream) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return status(say('noCamera'));
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (e) {
      stream = null;
      return status(say('noCamera'));
    }
    tapOfStream = el.dataset.tap;
    video.srcObject = stream;
    attach();
    await video.play().catch(() => undefined);
    status(say('scanning'));
    timer = setInterval(frame, 150);
  };

  /** After each re-render: the video back into the viewfinder, or the camera off when there is none. */
  let shown = '';
  const attach = () => {
    const el = scanner();
    // A new scan (none collected, after a discard or a confirmation) or another patient: codes may be
    // sent again.
    const now = el ? el.dataset.tap + '/' + el.dataset.codes : '';
    if (now !== shown && (!el || el.dataset.codes === '0' || !shown.startsWith(el.dataset.tap + '/')))
      sent.clear();
    shown = now;
    if (!stream) return;
    const finder = document.querySelector('[data-qr-viewfinder]');
    if (!finder || !el || el.dataset.tap !== tapOfStream) return stop();
    if (video.parentElement !== finder) finder.appendChild(video);
  };

  const upload = async (input) => {
    const files = Array.from(input.files || []);
    const codes = [];
    let unread = 0;
    for (const file of files) {
      try {
        const image = await createImageBitmap(file);
        let code = null;
        for (const factor of SCALES) if (!code) code = draw(image, image.width, image.height, factor);
        image.close();
        if (code) codes.push(code);
        else unread += 1;
      } catch (e) {
        unread += 1;
      }
    }
    input.value = '';
    await post(codes);
    status(unread > 0 ? say('unreadImages').replace('{n}', String(unread)) : say('sent'));
  };

  document.addEventListener('click', (e) => {
    const target = e.target instanceof Element ? e.target.closest('[data-action]') : null;
    if (!target) return;
    if (target.dataset.action === 'qr-camera') { e.preventDefault(); start(); }
    if (target.dataset.action === 'qr-stop') { e.preventDefault(); stop(); status(''); }
  });
  document.addEventListener('change', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.matches('[data-qr-files]')) upload(e.target);
  });
  new MutationObserver(attach).observe(document.body, { childList: true, subtree: true });
  attach();
  // The scanner's buttons and file input act from here on (tests wait for this, too).
  document.documentElement.dataset.qrReady = '';
})();
`;
