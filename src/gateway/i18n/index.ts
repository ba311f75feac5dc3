export {
  LOCALES,
  DEFAULT_LOCALE,
  translator,
  type Locale,
  type MessageKey,
  type Translate,
} from './messages.js';
export { formatJst, relativeAge } from './time.js';
export { localeMiddleware } from './locale.js';
