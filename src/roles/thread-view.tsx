import type { FC } from 'hono/jsx';
import { formatJst, type Locale } from '../gateway/index.js';
import { Button, ButtonGroup, Field, Form, Tag, type TagTone } from '../gateway/ui/components/index.js';
import type { FormState } from '../gateway/ui/form-state.js';
import { MAX_MESSAGE_CHARS, QUICK_FROM, type ThreadEntry, type ThreadState } from '../hospital-feed/index.js';
import { quickKey, stateKey, threadText } from './thread-text.js';

const TONE: Readonly<Record<ThreadState, TagTone>> = {
  sent: 'neutral',
  delivered: 'info',
  read: 'success',
  unread: 'warning',
};

/**
 * One report's conversation as either side shows it: each message with who wrote it, when, and its
 * receipt state (sent → delivered → read for ours, unread → read for theirs), then the "seen" button
 * when something is unread, the side's quick replies and a short text form. Posts go to `base`/send
 * and `base`/read; text is shown as typed (escaped), never as markup.
 */
export const Conversation: FC<{
  readonly side: 'unit' | 'hospital';
  readonly entries: readonly ThreadEntry[];
  readonly base: string;
  readonly formId: string;
  readonly csrf: string;
  readonly locale: Locale;
  readonly state: FormState | undefined;
  /** The report is closed (handed over, cancelled): the conversation is shown, nothing can be sent. */
  readonly closed: boolean;
}> = ({ side, entries, base, formId, csrf, locale, state, closed }) => {
  const w = threadText(locale);
  const them = side === 'unit' ? w('thread.them.hospital') : w('thread.them.unit');
  const unread = entries.filter((e) => e.direction === 'in' && e.state === 'unread').length;
  return (
    <div class="conversation" data-conversation>
      {entries.length === 0 ? (
        <p class="empty">{w('thread.empty')}</p>
      ) : (
        <ol class="conversation__list">
          {entries.map((e) => (
            <li
              class={`conversation__message conversation__message--${e.direction}`}
              data-message={e.direction}
              data-state={e.state}
            >
              <span class="conversation__who">
                {e.direction === 'out' ? w('thread.you') : them} ·{' '}
                <time datetime={new Date(e.sentAt).toISOString()}>{formatJst(e.sentAt)}</time>
              </span>{' '}
              <span class="conversation__text" data-text>
                {e.content.type === 'text' ? e.content.text : w(quickKey(e.content.quick))}
              </span>{' '}
              <Tag tone={TONE[e.state]} state={e.state}>
                {w(stateKey(e.state))}
              </Tag>
            </li>
          ))}
        </ol>
      )}
      {unread === 0 ? null : (
        <form method="post" action={`${base}/read`}>
          <input type="hidden" name="_csrf" value={csrf} />
          <Button action="thread-seen">
            {w('thread.seen')} ({w('thread.unreadCount', unread)})
          </Button>
        </form>
      )}
      {closed ? (
        <p class="empty">{w('thread.closed')}</p>
      ) : (
        <>
          <form method="post" action={`${base}/send`} aria-label={w('thread.quick')}>
            <input type="hidden" name="_csrf" value={csrf} />
            <ButtonGroup>
              {QUICK_FROM[side].map((q) => (
                <Button variant="secondary" name="quick" value={q} action={`quick-${q}`}>
                  {w(quickKey(q))}
                </Button>
              ))}
            </ButtonGroup>
          </form>
          <Form
            action={`${base}/send`}
            csrf={csrf}
            id={formId}
            locale={locale}
            state={state}
            fields={{ text: { label: w('thread.text') } }}
          >
            <Field
              name="text"
              id={`${formId}-text`}
              kind="textarea"
              label={w('thread.text')}
              hint={w('thread.textHint')}
              maxLength={MAX_MESSAGE_CHARS}
              state={state}
              locale={locale}
            />
            <Button action="thread-send">{w('thread.send')}</Button>
          </Form>
        </>
      )}
    </div>
  );
};
