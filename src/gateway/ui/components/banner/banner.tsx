import type { Child, FC } from 'hono/jsx';
import type { Locale } from '../../../i18n/index.js';
import { wordsOf } from '../text.js';
import { text } from './text.js';

export type BannerTone = 'critical' | 'warning' | 'info' | 'success';

const ICON: Readonly<Record<BannerTone, string>> = { critical: '!', warning: '⚠', info: 'i', success: '✓' };

/**
 * A fact that must not be missed, as a coloured block with a word and an icon (NHS.UK warning
 * callout): a severe allergy, each critical drug class, a device or DNAR, stale data, a declined
 * report. `alert` announces it when it appears on a live panel (a decline, the broker going down);
 * static facts on a summary stay quiet so a screen reader is not shouted at on every refresh.
 */
export const Banner: FC<{
  readonly tone: BannerTone;
  readonly title: string;
  readonly locale: Locale;
  /** A stable hook for tests (`data-banner`), e.g. "allergy", "flag-anticoagulant", "stale". */
  readonly kind?: string;
  readonly alert?: boolean;
  readonly children?: Child;
}> = ({ tone, title, locale, kind, alert = false, children }) => (
  <div
    class={`banner banner--${tone}`}
    data-banner={kind ?? tone}
    data-tone={tone}
    role={alert ? 'alert' : undefined}
  >
    <span class="banner__icon" aria-hidden="true">
      {ICON[tone]}
    </span>
    <div class="banner__body">
      <p class="banner__title">
        <span class="visually-hidden">{wordsOf(text, locale)[tone]}: </span>
        {title}
      </p>
      {children}
    </div>
  </div>
);

/** Banners stacked in priority order (critical first, as given). */
export const Banners: FC<{ readonly children?: Child }> = ({ children }) => (
  <div class="banners">{children}</div>
);
