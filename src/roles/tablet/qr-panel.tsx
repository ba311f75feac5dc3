import type { FC } from 'hono/jsx';
import {
  ActionForm,
  Banner,
  Button,
  ButtonGroup,
  Field,
  Form,
  Tag,
  type ButtonVariant,
  type PanelContext,
} from '../../gateway/index.js';
import type { TechoDocument } from '../../records/index.js';
import type { EmergencySummary } from '../../summary/index.js';
import type { DemoTecho } from './qr-routes.js';
import type { QrSay } from './qr-text.js';
import type { CardSession } from './state.js';
import type { TechoScan } from './techo-scan.js';
import type { Say } from './text.js';

/** The demo's synthetic お薬手帳 QR (in-process reader only): the holders, and the one on display. */
export interface DemoTechoView {
  readonly holders: DemoTecho['holders'];
  readonly shown: { readonly holder: number; readonly image: string } | undefined;
}

/** One step of the scan on the patient on screen: finish, confirm, discard, again. */
type ScanStep = 'finish' | 'confirm' | 'discard' | 'again';

const SCAN_STEPS: Readonly<Record<ScanStep, { readonly path: string; readonly variant: ButtonVariant }>> = {
  finish: { path: '/tablet/qr/finish', variant: 'primary' },
  confirm: { path: '/tablet/qr/confirm', variant: 'primary' },
  discard: { path: '/tablet/qr/discard', variant: 'warning' },
  // Scanning again after a refusal discards what was read: nothing of it is kept.
  again: { path: '/tablet/qr/discard', variant: 'primary' },
};

const ScanAction: FC<{
  readonly step: ScanStep;
  readonly ctx: PanelContext;
  readonly tap: string;
  readonly qr: QrSay;
}> = ({ step, ctx, tap, qr }) => (
  <ActionForm
    action={SCAN_STEPS[step].path}
    csrf={ctx.csrf}
    formId={`qr-${step}`}
    hidden={{ tap }}
    name={`qr-${step}`}
    label={qr(`qr.${step}`)}
    variant={SCAN_STEPS[step].variant}
  />
);

/**
 * Camera and upload controls; the script (/assets/qr.js) fills the viewfinder with its own video
 * element and reads its words from the data attributes (no inline script under the CSP).
 */
const Scanner: FC<{ readonly s: CardSession; readonly codes: number; readonly qr: QrSay }> = ({
  s,
  codes,
  qr,
}) => (
  <div
    data-qr-scanner
    data-tap={s.tap}
    data-codes={String(codes)}
    data-scanning={qr('qr.scanning')}
    data-sent={qr('qr.sent')}
    data-failed={qr('qr.failed')}
    data-no-camera={qr('qr.noCamera')}
    data-unread-images={qr('qr.unreadImages')}
  >
    <p class="small">{qr('qr.intro')}</p>
    <ButtonGroup>
      <Button type="button" action="qr-camera">
        {qr('qr.camera')}
      </Button>
      <Button type="button" action="qr-stop" variant="secondary">
        {qr('qr.stop')}
      </Button>
    </ButtonGroup>
    <div data-qr-viewfinder class="viewfinder"></div>
    <label for="qr-files">{qr('qr.upload')}</label>
    <input id="qr-files" type="file" accept="image/*" multiple data-qr-files />
    <p data-qr-camera-status role="status"></p>
  </div>
);

const Patient: FC<{ readonly documents: readonly TechoDocument[]; readonly qr: QrSay }> = ({
  documents,
  qr,
}) => {
  const p = documents.find((d) => d.patient !== undefined)?.patient?.reveal();
  if (p === undefined) return null;
  const details = [
    p.name,
    p.kana === undefined ? undefined : `(${p.kana})`,
    p.birthDate,
    p.sex === undefined ? undefined : qr(`qr.sex.${p.sex}`),
  ].filter((x) => x !== undefined);
  return (
    <p data-qr-patient>
      <strong>{qr('qr.patient')}</strong>: {details.join(' ')} · {qr('qr.patientCheck')}
    </p>
  );
};

/** What the codes say, before anything is merged: the crew checks it and confirms, or discards. */
const Preview: FC<{
  readonly s: CardSession;
  readonly documents: readonly TechoDocument[];
  readonly summary: EmergencySummary;
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly qr: QrSay;
}> = ({ s, documents, summary, ctx, say, qr }) => {
  const meds = summary.medications;
  const allergies = summary.allergies;
  const skipped = documents.reduce((n, d) => n + d.skipped.length, 0);
  return (
    <div data-qr-preview>
      <p class="error">
        <strong>{qr('qr.preview')}</strong>
      </p>
      <Patient documents={documents} qr={qr} />
      <ul data-qr-dispensings>
        {documents.flatMap((d) =>
          d.dispensings.map((x) => (
            <li data-dispensed={x.date}>
              {qr('qr.dispensed', { date: x.date, pharmacy: x.pharmacy?.name ?? qr('qr.noPharmacy') })}
            </li>
          )),
        )}
      </ul>
      {skipped === 0 ? null : (
        <p class="error" data-qr-skipped={skipped}>
          <strong>{qr('qr.skipped', { n: skipped })}</strong>
        </p>
      )}
      <h3>{qr('qr.medications')}</h3>
      {meds.status === 'available' || meds.status === 'partial' ? (
        <ul data-qr-medications>
          {meds.items.map((m) => (
            <li data-current={String(m.current)}>
              {m.current ? '' : `(${say('summary.past')}) `}
              {m.japaneseName ?? m.name}
              {m.dose === undefined ? '' : ` · ${m.dose}`}
              {m.flags.map((f) => (
                <span data-flag={f}>
                  {' '}
                  <Tag tone="danger">{say(`flag.${f}`)}</Tag>
                </span>
              ))}
              {m.classified ? null : <em class="unclassified"> [{say('summary.unclassified')}]</em>}
            </li>
          ))}
        </ul>
      ) : (
        <p>{qr('qr.none')}</p>
      )}
      <h3>{qr('qr.notes')}</h3>
      {allergies.status === 'available' || allergies.status === 'partial' ? (
        <ul data-qr-allergies>
          {allergies.items.map((a) => (
            <li>{a.substance}</li>
          ))}
        </ul>
      ) : (
        <p>{qr('qr.none')}</p>
      )}
      <ButtonGroup>
        <ScanAction step="confirm" ctx={ctx} tap={s.tap} qr={qr} />
        <ScanAction step="discard" ctx={ctx} tap={s.tap} qr={qr} />
      </ButtonGroup>
    </div>
  );
};

const ScanView: FC<{
  readonly s: CardSession;
  readonly scan: TechoScan;
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly qr: QrSay;
}> = ({ s, scan, ctx, say, qr }) => {
  switch (scan.kind) {
    case 'idle':
      return <Scanner s={s} codes={0} qr={qr} />;
    case 'collecting': {
      const p = scan.progress;
      const missing = p.sets.flatMap((set) => set.missing.map((m) => `${m}/${set.total}`));
      return (
        <>
          <p class="progress" data-qr-progress data-read={p.read} data-total={p.total}>
            <strong>{qr('qr.progress', { read: p.read, total: p.total })}</strong>
            {missing.length === 0 ? '' : ` · ${qr('qr.missing')}: ${missing.join(', ')}`}
          </p>
          <Scanner s={s} codes={scan.codes.length} qr={qr} />
          <ButtonGroup>
            <ScanAction step="finish" ctx={ctx} tap={s.tap} qr={qr} />
            <ScanAction step="discard" ctx={ctx} tap={s.tap} qr={qr} />
          </ButtonGroup>
        </>
      );
    }
    case 'refused':
      return (
        <>
          <div data-qr-refused={scan.error.code}>
            <Banner tone="critical" title={qr('qr.refused')} locale={ctx.locale} kind="qr-refused" alert>
              <p>
                {qr(`refused.${scan.error.code}`)}: {scan.error.message}
              </p>
            </Banner>
          </div>
          <ScanAction step="again" ctx={ctx} tap={s.tap} qr={qr} />
        </>
      );
    case 'preview':
      return <Preview s={s} documents={scan.documents} summary={scan.summary} ctx={ctx} say={say} qr={qr} />;
    default:
      return scan satisfies never;
  }
};

const DemoTecho: FC<{ readonly demo: DemoTechoView; readonly ctx: PanelContext; readonly qr: QrSay }> = ({
  demo,
  ctx,
  qr,
}) => (
  <fieldset class="demo" data-demo-techo>
    <legend>{qr('qr.demo.title')}</legend>
    <Form action="/tablet/demo/okusuri-techo" csrf={ctx.csrf} id="demo-techo" locale={ctx.locale}>
      <Field
        name="holder"
        id="techo-holder"
        label={qr('qr.demo.holder')}
        kind="select"
        options={demo.holders.map((h) => ({
          value: String(h.index),
          label: qr('qr.demo.option', { n: h.index, drugs: h.drugs }),
        }))}
        {...(demo.shown === undefined ? {} : { value: String(demo.shown.holder) })}
        locale={ctx.locale}
      />
      <Button action="demo-techo" variant="secondary">
        {qr('qr.demo.show')}
      </Button>
    </Form>
    {demo.shown === undefined ? null : (
      <>
        <img
          src={demo.shown.image}
          alt={qr('qr.demo.alt')}
          data-demo-qr={String(demo.shown.holder)}
          width="300"
          height="300"
        />
        <p class="small">{qr('qr.demo.hint')}</p>
      </>
    )}
  </fieldset>
);

/** The お薬手帳 QR panel: scan, progress, refusal, preview and confirmation; the demo's QR. */
export const QrPanel: FC<{
  readonly s: CardSession | undefined;
  readonly ctx: PanelContext;
  readonly say: Say;
  readonly qr: QrSay;
  readonly demo: DemoTechoView | undefined;
}> = ({ s, ctx, say, qr, demo }) => (
  <div data-qr-panel>
    {s === undefined ? (
      <p class="empty">{ctx.t('empty.qr')}</p>
    ) : (
      <>
        {s.techo.confirmed.length === 0 ? null : (
          <p data-qr-confirmed={s.techo.confirmed.length}>
            {qr('qr.confirmed', { n: s.techo.confirmed.length })}
          </p>
        )}
        <ScanView s={s} scan={s.techo.scan} ctx={ctx} say={say} qr={qr} />
      </>
    )}
    {demo === undefined ? null : <DemoTecho demo={demo} ctx={ctx} qr={qr} />}
  </div>
);
