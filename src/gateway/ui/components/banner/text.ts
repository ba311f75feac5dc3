import type { Words } from '../text.js';

/** The word a screen reader hears before the banner's title, and that sighted users see as the icon. */
export const text: Words<'critical' | 'warning' | 'info' | 'success'> = {
  ja: { critical: '重要', warning: '注意', info: 'お知らせ', success: '完了' },
  en: { critical: 'Critical', warning: 'Warning', info: 'Information', success: 'Done' },
};
