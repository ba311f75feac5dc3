import type { Translate } from './messages.js';

/** Japan has no daylight saving: JST is always UTC+9, so no time-zone database is needed. */
const JST_OFFSET_MS = 9 * 3600_000;

const pad = (n: number): string => n.toString().padStart(2, '0');

/** `2025-04-01 14:03 JST`: the wall clock the crew and the hospital share, whatever the host's zone. */
export const formatJst = (epochMs: number): string => {
  const d = new Date(epochMs + JST_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} JST`;
};

/** "3分前" / "3 min ago"; future times (clock skew) read as "just now". */
export const relativeAge = (epochMs: number, nowMs: number, t: Translate): string => {
  const minutes = Math.floor((nowMs - epochMs) / 60_000);
  if (minutes < 1) return t('time.justNow');
  if (minutes < 60) return t('time.minutesAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('time.hoursAgo', { n: hours });
  return t('time.daysAgo', { n: Math.floor(hours / 24) });
};
