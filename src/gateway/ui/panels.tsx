import type { Child } from 'hono/jsx';
import type { KioskState, UserRole } from '../auth/index.js';
import type { Locale, MessageKey, Translate } from '../i18n/index.js';
import type { FormState } from './form-state.js';

/** The panels of each screen, in the order they appear; other parts render into them by id. */
export const SCREEN_PANELS = {
  crew: ['card', 'qr', 'summary', 'report', 'attachments', 'eta', 'messages', 'reports', 'outcomes'],
  triage: ['incoming', 'inquiry-requests', 'status'],
  dispatcher: ['incident', 'inquiries', 'hospitals', 'kpis'],
} as const satisfies Record<Exclude<UserRole, 'admin'>, readonly string[]>;

export type ScreenRole = keyof typeof SCREEN_PANELS;
export type PanelId = (typeof SCREEN_PANELS)[ScreenRole][number];
export const PANEL_IDS: readonly PanelId[] = Object.values(SCREEN_PANELS).flat();

export interface PanelContext {
  readonly locale: Locale;
  readonly t: Translate;
  readonly now: number;
  readonly userId: string;
  /** The session's CSRF token, for the forms a panel renders (`_csrf`). */
  readonly csrf: string;
  /**
   * A form as this browser left it (a refused post's values and errors, or a draft), by form id.
   * Absent where no browser is known (tests rendering a panel by hand).
   */
  readonly form?: (formId: string) => FormState | undefined;
  /**
   * Kiosk mode of the session (auth/screen-lock.ts): when `actionsLocked`, a panel may show its
   * actions as "unlock to act" (they lead to the PIN form either way).
   */
  readonly kiosk?: KioskState;
}

/**
 * Renders a panel's current state, or `undefined` when there is nothing to show, in which case the
 * panel's labelled empty state ("no card", "no incoming reports") appears instead.
 */
export type PanelRenderer = (ctx: PanelContext) => Child | undefined | Promise<Child | undefined>;

export const panelTitle = (id: PanelId): MessageKey => `panel.${id}`;
export const panelEmpty = (id: PanelId): MessageKey => `empty.${id}`;

/** Where the reader, records, feed and dispatch parts plug their views in. */
export class PanelRegistry {
  readonly #renderers = new Map<PanelId, PanelRenderer>();

  set(id: PanelId, render: PanelRenderer): void {
    this.#renderers.set(id, render);
  }

  async render(id: PanelId, ctx: PanelContext): Promise<Child | undefined> {
    const render = this.#renderers.get(id);
    return render === undefined ? undefined : render(ctx);
  }
}
