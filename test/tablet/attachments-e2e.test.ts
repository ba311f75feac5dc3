import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_KIND, OUTBOX_FILE } from '../../src/hospital-feed/index.js';
import { newFormKey } from '../../src/roles/tablet/index.js';
import { ecgImage, photoWithGps } from '../support/feed/attachment-sample.js';
import { fhirErrors } from '../support/fhir-schema.js';
import { pdfFixture, pdfInfo, pdfJpegs, pdfText } from '../support/pdf-read.js';
import { HOSPITALS, startRig, UNIT, type Rig } from '../support/tablet-rig.js';
import { waitFor } from '../support/wait.js';
import { reportBundle } from '../../src/roles/triage/index.js';
import { attachWords } from '../../src/roles/attachment-words.js';

const REPORT = {
  ageValue: '60',
  ageUnit: 'years',
  mechanism: 'fall from a ladder',
  injuries: 'open wound of the left forearm',
  hr: '98',
  sys: '130',
  dia: '80',
  acuity: '3',
  etaMinutes: '12',
  callSign: 'Rig 01',
  phone: '+81-3-0000-0001',
};

/** Envelopes of attachment chunks still in the tablet's outbox (read beside the running role: WAL). */
const chunksInOutbox = (rig: Rig): number => {
  const db = new Database(join(rig.ambulanceDir, OUTBOX_FILE), { readonly: true });
  try {
    return (
      db.prepare('SELECT count(*) AS n FROM outbox WHERE kind = ?').get(ATTACHMENT_KIND) as { n: number }
    ).n;
  } finally {
    db.close();
  }
};

/** The category selected in one of the attachment panel's forms (its select's id). */
const selectedCategory = (html: string, id: string): string | undefined => {
  const select = new RegExp(`<select[^>]*id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return /<option[^>]*value="([^"]+)"[^>]*selected/.exec(select)?.[1];
};

describe('attachments from the tablet to the triage desk (issue 16)', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => rig?.close());

  it('a photo taken before the report goes with it, stripped and bounded; an ECG after it; nothing stays after handover', async () => {
    const { crew, receiver } = rig;
    expect((await crew.post('/tablet/patient/new', { ageBand: '60-69', sex: 'male' })).status).toBe(303);
    const tap = await crew.tap();
    const photo = await photoWithGps(3000, 2000);
    const posted = await crew.postFile(
      '/tablet/attachments',
      { tap, category: 'injury', _form: `attach-camera:${tap}` },
      { name: 'IMG_0001.jpg', type: 'image/jpeg', bytes: photo },
    );
    expect(posted.status).toBe(303);
    // No report yet: the photo waits on the tablet, in memory, for one.
    expect(await crew.panel('attachments')).toContain('data-state="waiting"');

    await crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT });
    const report = await waitFor(() => receiver.board()[0], 'the report at the hospital');
    const [first] = await waitFor(() => {
      const list = receiver.attachments(UNIT, report.reportId);
      return list.length === 1 ? list : undefined;
    }, 'the photo at the hospital');
    expect(first).toMatchObject({ status: 'complete', category: 'injury', mediaType: 'image/jpeg' });
    const got = receiver.attachment(UNIT, report.reportId, first!.attachmentId);
    if (got === undefined) throw new Error('no bytes');
    const meta = await sharp(got.data).metadata();
    expect(meta.exif).toBeUndefined();
    expect(Math.max(meta.width, meta.height)).toBe(1600);
    const text = Buffer.from(got.data).toString('latin1');
    for (const trace of ['TestCam', 'SN-4711', 'GPS']) expect(text).not.toContain(trace);

    // After the report: an ECG print-out photo, sent at once.
    const ecg = await ecgImage();
    await crew.postFile(
      '/tablet/attachments',
      { tap, category: 'ecg', _form: `attach-file:${tap}` },
      { name: 'ecg.png', type: 'image/png', bytes: ecg },
    );
    await waitFor(() => receiver.attachments(UNIT, report.reportId).length === 2, 'the ECG at the hospital');
    await waitFor(
      async () => (await crew.panel('attachments')).match(/data-state="delivered"/g)?.length === 2,
      'both delivered',
    );
    await waitFor(() => chunksInOutbox(rig) === 0, 'no chunk left in the outbox');

    // A file that is not an image or PDF is refused with words, and nothing is added.
    await crew.postFile(
      '/tablet/attachments',
      { tap, category: 'document', _form: `attach-file:${tap}` },
      { name: 'notes.html', type: 'text/html', bytes: new TextEncoder().encode('<html>x</html>') },
    );
    const refused = await crew.panel('attachments');
    expect(refused).toContain('data-banner="attach-error"');
    expect(refused.match(/data-attachment="/g)).toHaveLength(2);

    await crew.post('/tablet/handover', { tap, confirm: 'yes' });
    await crew.cardShows('カードなし');
    // The patient left the tablet with its photos: nothing held, nothing queued.
    expect(await crew.panel('attachments')).not.toContain('data-attachment=');
    expect(chunksInOutbox(rig)).toBe(0);
    const outbox = readFileSync(join(rig.ambulanceDir, OUTBOX_FILE));
    expect(outbox.includes(Buffer.from(got.data.subarray(0, 4096)))).toBe(false);

    // The FHIR export carries both as Media, data inline, valid R4 (last: compiling the R4 schema
    // takes seconds, longer than the tablet keeps an idle connection).
    const all = receiver
      .attachments(UNIT, report.reportId)
      .flatMap((a) => receiver.attachment(UNIT, report.reportId, a.attachmentId) ?? []);
    const bundle = reportBundle(report, report.body!, Date.now(), all) as {
      entry: { resource: Record<string, unknown> }[];
    };
    const media = bundle.entry.filter((e) => e.resource['resourceType'] === 'Media');
    expect(media).toHaveLength(2);
    expect(fhirErrors(bundle)).toEqual([]);
  });
});

describe('a PDF attached on the tablet reaches the triage desk without its metadata (issue 16)', () => {
  // A rig of its own: a report and attachments apart from the test above's.
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  }, 60_000);
  afterAll(async () => rig?.close());

  it('a scanned PDF reaches the hospital rewritten, without its author, XMP, annotations’ authors or EXIF GPS; an encrypted one is refused with words', async () => {
    const { crew, receiver } = rig;
    expect((await crew.post('/tablet/patient/new', { ageBand: '70-79', sex: 'female' })).status).toBe(303);
    const tap = await crew.tap();
    await crew.post('/tablet/report', { tap, key: newFormKey(), hospital: HOSPITALS[0], ...REPORT });
    const report = await waitFor(() => receiver.board()[0], 'the report at the hospital');
    const scan = pdfFixture('scan-with-metadata.pdf');
    expect(pdfText(scan)).toContain('Dr. Hidden Author');
    const posted = await crew.postFile(
      '/tablet/attachments',
      { tap, category: 'medication-notebook', _form: `attach-file:${tap}` },
      { name: 'scan.pdf', type: 'application/pdf', bytes: scan },
    );
    expect(posted.status).toBe(303);
    const [pdf] = await waitFor(() => {
      const list = receiver.attachments(UNIT, report.reportId);
      return list.length === 1 && list[0]!.status === 'complete' ? list : undefined;
    }, 'the PDF at the hospital');
    expect(pdf).toMatchObject({ category: 'medication-notebook', mediaType: 'application/pdf' });
    const got = receiver.attachment(UNIT, report.reportId, pdf!.attachmentId);
    if (got === undefined) throw new Error('no bytes');
    const text = pdfText(got.data);
    for (const trace of [
      'Dr. Hidden Author',
      'ScanPhone',
      'xmpmeta',
      'annot-uid-4711',
      'Exif',
      'TestCam',
      'SN-4711',
    ])
      expect(text, trace).not.toContain(trace);
    expect(text).toContain('MEDICATION LIST');
    expect(pdfInfo(got.data)).toMatchObject({ Pages: '1', 'Metadata Stream': 'no', JavaScript: 'no' });
    expect(pdfInfo(got.data)['Author']).toBeUndefined();
    expect(pdfJpegs(got.data)).toHaveLength(2);

    // A password-protected PDF: refused on the attach screen with its own words, nothing added.
    await crew.postFile(
      '/tablet/attachments',
      { tap, category: 'ecg', _form: `attach-file:${tap}` },
      { name: 'ecg.pdf', type: 'application/pdf', bytes: pdfFixture('encrypted.pdf') },
    );
    const refused = await crew.panel('attachments');
    expect(refused).toContain('data-banner="attach-error"');
    expect(refused).toContain(attachWords('ja')('error.encrypted-pdf'));
    expect(refused.match(/data-attachment="/g)).toHaveLength(1);
    // The file form keeps what the crew chose in it (the ECG category), so only the file is chosen again.
    expect(selectedCategory(refused, 'file-category')).toBe('ecg');
    expect(selectedCategory(refused, 'camera-category')).toBe('injury');

    await crew.post('/tablet/handover', { tap, confirm: 'yes' });
    await crew.cardShows('カードなし');
    expect(chunksInOutbox(rig)).toBe(0);
  });
});
