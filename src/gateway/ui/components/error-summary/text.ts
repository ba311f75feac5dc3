import type { Words } from '../text.js';

export const text: Words<'title'> = {
  ja: { title: '入力内容に問題があります' },
  en: { title: 'There is a problem' },
};
