import { createHmac, randomBytes } from 'node:crypto';
import type { SummaryCache } from '../../cache/index.js';
import type { AmbulanceConfig } from '../../config/index.js';
import type { AmbulanceFeed } from '../../hospital-feed/index.js';
import type { ReaderService } from '../../reader/index.js';
import { parseSummaryBytes, systemTimers, type DrugCatalogue } from '../../records/index.js';
import { AssuranceBadge } from '../assurance-badge.js';
import type { RoleContext } from '../runtime.js';
import { UnitAssignment } from './assignment.js';
import type { AttachmentBounds } from './attachment-prepare.js';
import { TabletAttachments } from './attachments.js';
import { AttachmentsPanel } from './attachments-panel.js';
import { attachmentRoutes } from './attachments-routes.js';
import { CardPanel } from './card-panel.js';
import { cacheSummaryStore } from './records-ports.js';
import { recordsSource } from './records-source.js';
import { recordPatient } from './report-defaults.js';
import { reportFormId, type Hospital } from './report-form-view.js';
import { ReportPanel } from './report-panel.js';
import { QrPanel } from './qr-panel.js';
import { qrRoutes, type DemoTecho } from './qr-routes.js';
import { qrSayer } from './qr-text.js';
import { ReportsPanel } from './reports-panel.js';
import { AttachCard, LookupPanel } from './lookup-panel.js';
import { lookupRoutes } from './lookup-routes.js';
import { patientSubject, sessionAccess, tabletRoutes, type DemoCards } from './routes.js';
import { CardSessionService } from './session.js';
import { ShiftReports } from './shift-reports.js';
import { assuranceOf, shownSummary } from './state.js';
import { CriticalFacts, PatientFacts } from './summary-facts.js';
import { SummaryView } from './summary-panel.js';
import { TechoService } from './techo-service.js';
import { mountEta } from './eta-panel.js';
import { GpsEta } from './gps.js';
import { mountMessages } from './messages-panel.js';
import { mountOutcomes } from './outcomes-panel.js';
import { sayer } from './text.js';

export interface TabletParts {
  readonly reader: ReaderService;
  readonly cache: SummaryCache;
  readonly feed: AmbulanceFeed;
  readonly demo: DemoCards | undefined;
  /** The demo's synthetic お薬手帳 QR codes (in-process reader only). */
  readonly demoTecho: DemoTecho | undefined;
  /** records.drugCatalogueFile, loaded at start (loadConfiguredDrugCatalogue). */
  readonly drugCatalogue: DrugCatalogue | undefined;
  /** The process environment: secrets are read from the variables the configuration names. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The configured attachment bounds (`attachments`, README), in bytes. */
export const attachmentBounds = (config: AmbulanceConfig): AttachmentBounds => ({
  maxEdgePx: config.attachments.maxEdgePx,
  jpegQuality: config.attachments.jpegQuality,
  maxImageBytes: config.attachments.maxImageKiB * 1024,
  maxPdfBytes: config.attachments.maxPdfKiB * 1024,
  maxUploadBytes: config.attachments.maxUploadMiB * 1024 * 1024,
  maxPerPatient: config.attachments.maxPerPatient,
});

/** Upstream down: the records request is tried again this often, in the background. */
const RETRY_EVERY_MS = 15_000;

/** The hospitals of the pinned directory whose keys are valid now: the destination choice. */
const hospitalsOf = (ctx: RoleContext): readonly Hospital[] => {
  const directory = ctx.crypto.directory.current;
  const now = ctx.clock.now();
  const seen = new Map<string, Hospital>();
  for (const e of directory.entries)
    if (e.role === 'hospital' && directory.statusOf(e, now) === 'valid')
      seen.set(e.principal, { id: e.principal, name: e.displayName });
  return [...seen.values()];
};

/**
 * The ambulance tablet: the card session over the reader, the records client (device-signed
 * requests, answers sealed to the device, kept in the summary cache), the hospital feed, and the
 * tablet's three panels and form routes.
 */
export const mountTablet = async (
  config: AmbulanceConfig,
  ctx: RoleContext,
  parts: TabletParts,
): Promise<CardSessionService> => {
  const { gateway, clock } = ctx;
  // H1: answers not bound to the request, card and unit they came back for; the reason is bounded vocabulary.
  const answersRefused = ctx.metrics.counter(
    'ems_records_answers_refused_total',
    'Records answers refused because they were not bound to the request they came back for, by reason.',
    ['reason'],
  );
  const store = cacheSummaryStore(parts.cache, clock);
  const records = await recordsSource(
    config,
    ctx,
    parts.env,
    store,
    (reason) => answersRefused.inc({ reason }),
    parts.drugCatalogue,
  );
  // A keyed hash: the same card gives the same opaque id within this run (a repeat is served from the
  // cache), and nobody without this process's key can link the id back to a card.
  const subjectKey = randomBytes(32);
  const session = new CardSessionService({
    reader: parts.reader,
    records,
    candidates: records,
    cache: parts.cache,
    feed: parts.feed,
    subjectOf: (serial) => `cs-${createHmac('sha256', subjectKey).update(serial).digest('hex').slice(0, 32)}`,
    newTap: () => `tap-${randomBytes(12).toString('hex')}`,
    timer: systemTimers,
    retryEveryMs: RETRY_EVERY_MS,
    logger: ctx.logger.child({ part: 'card-session' }),
  });
  ctx.onStop(() => {
    session.close();
    subjectKey.fill(0);
  });
  session.on('changed', () => {
    for (const panel of ['card', 'qr', 'summary', 'report'] as const) gateway.live.refresh(panel);
  });
  // お薬手帳 QR: merged through the records parser with the records answer kept in the cache.
  const catalogue = parts.drugCatalogue;
  const techo = new TechoService({
    session,
    ports: {
      upstream: async (subject) => (await store.get(subject))?.bytes,
      summarise: (inputs) =>
        parseSummaryBytes(inputs, {
          asOf: new Date(clock.now()),
          ...(catalogue === undefined ? {} : { catalogue }),
        }),
    },
    clock,
    logger: ctx.logger.child({ part: 'okusuri-techo' }),
  });
  // The report's state words depend on the broker link (waiting in the outbox vs. link down).
  ctx.link.on('up', () => gateway.live.refresh('report'));
  ctx.link.on('down', () => gateway.live.refresh('report'));
  const refused = ctx.metrics.counter(
    'ems_tablet_assignments_rejected_total',
    'Dispatch assignments refused, by reason.',
    ['reason'],
  );
  const assignment = new UnitAssignment({
    unitId: config.id,
    feed: parts.feed,
    directory: ctx.crypto.directory,
    clock,
    logger: ctx.logger.child({ part: 'assignment' }),
    rejected: (reason) => refused.inc({ reason }),
  });
  assignment.on('changed', () => {
    gateway.live.refresh('card');
    gateway.live.refresh('report');
  });
  session.on('identified', () => void assignment.record('cardRead'));

  const contact = { callSign: config.contact?.callSign ?? config.id, phone: config.contact?.phone ?? '' };
  gateway.panels.set('card', (p) => {
    const s = session.current;
    const say = sayer(p.locale);
    return (
      <>
        <CardPanel
          s={s}
          patients={session.patients}
          ctx={p}
          say={say}
          demo={parts.demo?.holders}
          assigned={assignment.current}
          hasDraft={(tap) => p.form?.(reportFormId(tap)) !== undefined}
        />
        {s === undefined ? null : (
          <>
            <AttachCard s={s} target={session.card.attachTarget(s.tap)} ctx={p} say={say} />
            <LookupPanel s={s} ctx={p} demo={parts.demo?.namesakes} />
          </>
        )}
      </>
    );
  });
  gateway.panels.set('summary', (p) => {
    const s = session.current;
    if (s === undefined) return undefined;
    const shown = shownSummary(s);
    const outcome = s.phase.kind === 'records' ? s.phase.outcome : undefined;
    const say = sayer(p.locale);
    // Upstream trouble (or a refusal) and nothing from an お薬手帳 either: the crew goes on by hand.
    if (shown === undefined)
      return outcome === undefined || outcome.code === 'ok' ? undefined : (
        <p class="empty">{say('summary.byHand')}</p>
      );
    // Shown to the crew: the milestone dispatch records (once per case; later views change nothing).
    void assignment.record('summaryViewed');
    // Every view of patient data is an access: who (the panel's user), what (opaque id), why (consent).
    const why = sessionAccess(s, s.consent);
    gateway.audit.record({
      role: 'crew',
      userId: p.userId,
      device: config.id,
      action: 'read',
      subject: patientSubject(s),
      purpose: why.purpose,
      reason: why.reason ?? null,
      outcome: 'success',
      assurance: why.assurance,
    });
    return (
      <>
        {outcome === undefined || outcome.code === 'ok' ? null : <p class="error">{say('summary.byHand')}</p>}
        <CriticalFacts summary={shown.summary} fetchedAt={shown.at} ctx={p} say={say} />
        <PatientFacts
          summary={shown.summary}
          consent={s.consent}
          identity={
            <span data-identity>
              <AssuranceBadge assurance={assuranceOf(s)} t={p.t} />
            </span>
          }
          fetchedAt={shown.at}
          ctx={p}
          say={say}
        />
        <SummaryView summary={shown.summary} source={shown.source} fetchedAt={shown.at} ctx={p} say={say} />
      </>
    );
  });
  gateway.panels.set('report', (p) => {
    const s = session.current;
    const views = (s?.reports ?? []).flatMap((r) => {
      const view = session.reports.view(r.reportId);
      return view === undefined ? [] : [view];
    });
    const record = recordPatient(s, p.now);
    return (
      <ReportPanel
        s={s}
        views={views}
        ctx={p}
        say={sayer(p.locale)}
        hospitals={hospitalsOf(ctx)}
        contact={contact}
        caseId={assignment.current?.assignment.caseId}
        linkUp={ctx.link.isUp}
        recordAge={record.age}
        recordSex={record.sex}
      />
    );
  });
  // R3: the shift's reports from the outbox, whatever became of their card sessions.
  const reports = new ShiftReports({
    feed: parts.feed,
    clock,
    shiftMs: config.auth.sessionMaxHours * 3_600_000,
  });
  reports.on('changed', () => gateway.live.refresh('reports'));
  gateway.panels.set('reports', (p) => {
    const rows = reports.rows();
    if (rows.length === 0) return undefined;
    // Any hospital of the directory, valid now or not: a report may outlive its key's validity.
    const names = new Map(ctx.crypto.directory.current.entries.map((e) => [e.principal, e.displayName]));
    return (
      <ReportsPanel
        rows={rows}
        repeat={reports.repeat}
        hospitalName={(id) => names.get(id) ?? id}
        say={sayer(p.locale)}
        locale={p.locale}
      />
    );
  });
  // The demo's お薬手帳 QR on display (a synthetic holder), drawn once per choice in byte mode.
  const demoTecho = parts.demoTecho;
  let demoShown: { holder: number; image: string } | undefined;
  gateway.panels.set('qr', (p) => (
    <>
      <QrPanel
        s={session.current}
        ctx={p}
        say={sayer(p.locale)}
        qr={qrSayer(p.locale)}
        demo={demoTecho === undefined ? undefined : { holders: demoTecho.holders, shown: demoShown }}
      />
      <script src="/assets/zxing.js" defer></script>
      <script src="/assets/qr.js" defer></script>
    </>
  ));
  qrRoutes({
    gateway,
    session,
    techo,
    demo: demoTecho,
    showDemo: async (holder) => {
      if (demoTecho === undefined) return;
      // Only the demo draws QR codes here: a tablet on a real reader never loads the encoder (issue 16).
      const { default: QRCode } = await import('qrcode');
      const image = await QRCode.toDataURL([{ data: Buffer.from(demoTecho.payload(holder)), mode: 'byte' }], {
        errorCorrectionLevel: 'M',
        margin: 4,
        scale: 4,
      });
      demoShown = { holder, image };
      gateway.live.refresh('qr');
    },
  });
  // Issue 16: the patient's photos and files follow its open report and leave with the patient.
  const attachments = new TabletAttachments({
    feed: parts.feed,
    bounds: attachmentBounds(config),
    newId: () => `att-${randomBytes(12).toString('hex')}`,
    logger: ctx.logger.child({ part: 'attachments' }),
  });
  session.on('changed', () => attachments.follow(session.patients));
  attachments.on('changed', () => gateway.live.refresh('attachments'));
  gateway.panels.set('attachments', (p) => {
    const s = session.current;
    if (s === undefined) return undefined;
    return (
      <AttachmentsPanel
        tap={s.tap}
        rows={attachments.rows(s.tap)}
        error={attachments.error(s.tap)}
        csrf={p.csrf}
        locale={p.locale}
        form={(id) => p.form?.(id)}
      />
    );
  });
  attachmentRoutes({ gateway, session, attachments });
  // Issue 16: messages with the destination's ER, the GPS ETA, and the outcomes that come back.
  const directoryName = (id: string): string =>
    ctx.crypto.directory.current.entries.find((e) => e.principal === id)?.displayName ?? id;
  mountMessages({
    gateway,
    feed: parts.feed,
    hospitalName: directoryName,
    logger: ctx.logger.child({ part: 'messages' }),
  });
  mountOutcomes({
    gateway,
    feed: parts.feed,
    device: config.id,
    retentionMs: config.outcomes.retentionHours * 3_600_000,
    hospitalName: directoryName,
    onStop: (fn) => ctx.onStop(fn),
  });
  const gps = new GpsEta({
    session,
    sites: new Map(config.eta.sites.map((site) => [site.id, site])),
    policy: {
      materialChangeMinutes: config.eta.materialChangeMinutes,
      minUpdateIntervalMs: config.eta.minUpdateSeconds * 1000,
      maxFixAgeMs: config.eta.maxFixAgeSeconds * 1000,
      maxAccuracyMeters: config.eta.maxAccuracyMeters,
      roadFactor: config.eta.roadFactor,
      averageSpeedKmh: config.eta.averageSpeedKmh,
    },
    clock,
    logger: ctx.logger.child({ part: 'gps-eta' }),
  });
  ctx.onStop(() => gps.forget());
  session.on('changed', () => gateway.live.refresh('eta'));
  mountEta({ gateway, gps, now: () => clock.now(), logger: ctx.logger.child({ part: 'gps-eta' }) });
  tabletRoutes({
    gateway,
    session,
    reports,
    unitId: config.id,
    isHospital: (id) => hospitalsOf(ctx).some((h) => h.id === id),
    now: () => clock.now(),
    logger: ctx.logger.child({ part: 'tablet' }),
    demo: parts.demo,
    assignment,
  });
  lookupRoutes({
    gateway,
    session,
    unitId: config.id,
    limit: {
      max: config.records.lookupLimit.max,
      windowMs: config.records.lookupLimit.windowSeconds * 1000,
    },
    now: () => clock.now(),
    logger: ctx.logger.child({ part: 'lookup' }),
    onStop: (fn) => ctx.onStop(fn),
  });
  return session;
};
