import type { Words } from '../text.js';

export const text: Words<'cancel' | 'second'> = {
  ja: { cancel: 'やめる（閉じる）', second: '確認してください' },
  en: { cancel: 'Cancel (close)', second: 'Please confirm' },
};
