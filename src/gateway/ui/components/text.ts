import type { Locale } from '../../i18n/index.js';

/**
 * Each component keeps its own words (its `text.ts`) in both languages; the English table must have
 * exactly the Japanese keys, so a missing translation is a type error, not a raw key on screen.
 */
export type Words<K extends string> = {
  readonly ja: Readonly<Record<K, string>>;
  readonly en: Readonly<Record<K, string>>;
};

export const wordsOf = <K extends string>(table: Words<K>, locale: Locale): Readonly<Record<K, string>> =>
  table[locale];

/** `{name}` placeholders filled in; an unknown name is left empty, never the raw placeholder. */
export const fill = (template: string, vars: Readonly<Record<string, string | number>>): string =>
  template.replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? ''));
