import type { FC } from 'hono/jsx';
import {
  Banner,
  Button,
  Field,
  Form,
  Tag,
  type FormState,
  type Locale,
  type TagTone,
} from '../../gateway/index.js';
import { ATTACHMENT_CATEGORIES } from '../../hospital-feed/index.js';
import { attachWords, categoryKey, type AttachWords } from '../attachment-words.js';
import type { AttachError, AttachmentRow } from './attachments.js';

/** Where the panel's forms post (multipart); its body bound is configured (`attachments.maxUploadMiB`). */
export const ATTACHMENT_UPLOAD_PATH = '/tablet/attachments';

const stateOf = (r: AttachmentRow, w: AttachWords): { tone: TagTone; words: string } => {
  switch (r.state.kind) {
    case 'waiting':
      return { tone: 'neutral', words: w('state.waiting') };
    case 'sending':
      return { tone: 'info', words: `${w('state.sending')} ${r.state.of - r.state.left}/${r.state.of}` };
    case 'delivered':
      return { tone: 'success', words: w('state.delivered') };
    default:
      return r.state satisfies never;
  }
};

const kib = (bytes: number): string => `${Math.max(1, Math.round(bytes / 1024))} KB`;

/**
 * The two ways in: the camera opened directly (`capture`, the rear one) for a photo, or a file chosen
 * (an image or a PDF, e.g. an ECG printout).
 */
const SOURCES = {
  camera: {
    label: 'form.camera',
    hint: 'form.cameraHint',
    submit: 'form.cameraSubmit',
    category: 'injury',
    input: { accept: 'image/*', capture: 'environment' },
  },
  file: {
    label: 'form.file',
    hint: 'form.fileHint',
    submit: 'form.fileSubmit',
    category: 'document',
    input: { accept: 'image/*,application/pdf' },
  },
} as const;

/** One upload form: the camera (capture) or a file (image or PDF), with what the attachment shows. */
const UploadForm: FC<{
  readonly source: 'camera' | 'file';
  readonly tap: string;
  readonly csrf: string;
  readonly locale: Locale;
  readonly state: FormState | undefined;
  readonly w: AttachWords;
}> = ({ source, tap, csrf, locale, state, w }) => {
  const id = `attach-${source}:${tap}`;
  return (
    <Form
      action={ATTACHMENT_UPLOAD_PATH}
      csrf={csrf}
      id={id}
      locale={locale}
      state={state}
      enctype="multipart/form-data"
      hidden={{ tap }}
    >
      <Field
        name="category"
        id={`${source}-category`}
        label={w('form.category')}
        kind="select"
        value={SOURCES[source].category}
        options={ATTACHMENT_CATEGORIES.map((c) => ({ value: c, label: w(categoryKey(c)) }))}
        state={state}
        locale={locale}
        width="medium"
      />
      <Field
        name="file"
        id={`${source}-file`}
        kind="file"
        label={w(SOURCES[source].label)}
        hint={w(SOURCES[source].hint)}
        locale={locale}
        {...SOURCES[source].input}
      />
      <Button variant="secondary" action={`attach-${source}`}>
        {w(SOURCES[source].submit)}
      </Button>
    </Form>
  );
};

/**
 * The photos and files of the patient on screen (issue 16): what each shows, its size as sent, and
 * how far it is (waiting for the report, sending n/m chunks, at the hospital); then the camera and
 * file forms. Nothing here shows the images themselves: the crew took them, the tablet only sends.
 */
export const AttachmentsPanel: FC<{
  readonly tap: string;
  readonly rows: readonly AttachmentRow[];
  readonly error: AttachError | undefined;
  readonly csrf: string;
  readonly locale: Locale;
  readonly form: (id: string) => FormState | undefined;
}> = ({ tap, rows, error, csrf, locale, form }) => {
  const w = attachWords(locale);
  return (
    <div data-attachments>
      {error === undefined ? null : (
        <Banner tone="warning" kind="attach-error" title={w(`error.${error}`)} locale={locale} alert />
      )}
      {rows.length === 0 ? null : (
        <ul class="attachment-list" data-attachment-list>
          {rows.map((r) => {
            const s = stateOf(r, w);
            return (
              <li data-attachment={r.id} data-state={r.state.kind}>
                <strong>{w(categoryKey(r.category))}</strong> ·{' '}
                {w(r.mediaType === 'application/pdf' ? 'kind.pdf' : 'kind.photo')} · {kib(r.size)}
                {r.width === undefined || r.height === undefined ? '' : ` · ${r.width}×${r.height}`}{' '}
                <Tag tone={s.tone} state={r.state.kind}>
                  {s.words}
                </Tag>
              </li>
            );
          })}
        </ul>
      )}
      <p class="field__hint">{w('form.note')}</p>
      <UploadForm
        source="camera"
        tap={tap}
        csrf={csrf}
        locale={locale}
        state={form(`attach-camera:${tap}`)}
        w={w}
      />
      <UploadForm
        source="file"
        tap={tap}
        csrf={csrf}
        locale={locale}
        state={form(`attach-file:${tap}`)}
        w={w}
      />
    </div>
  );
};
