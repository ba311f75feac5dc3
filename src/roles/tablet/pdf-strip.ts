import type * as PdfLib from '@cantoo/pdf-lib';
import type { PDFArray, PDFContext, PDFDict, PDFName, PDFObject, PDFPageLeaf, PDFRef } from '@cantoo/pdf-lib';
import { err, ok, type Result } from '../../core/index.js';
import { boundLibrary, decodeBudget, pixelBudget, withBudget } from './pdf-decode.js';
import { cleanStream, type Budgets } from './pdf-streams.js';

export const PDF_ERRORS = ['encrypted-pdf', 'unreadable-pdf'] as const;
/**
 * `too-large`: the PDF's streams decode to more than `DECODE_FACTOR` times the bound of the PDF sent
 * (a decompression bomb), or a JPEG behind another filter to more than that bound (the PDF could not
 * be sent anyway).
 */
export type PdfError = (typeof PDF_ERRORS)[number] | 'too-large';

/**
 * The PDF library (@cantoo/pdf-lib, docs/decisions.md) is loaded on the first PDF the crew
 * attaches, as sharp is on the first image: most patients have no PDF, and the ambulance process
 * stays small (issue 16: a role idle ≤ 80 MB). Rejects (a server error, not the crew's bad file) if it
 * cannot load. Its parser's own stream decoding is bounded once, as it loads (`boundLibrary`).
 */
export type PdfLibrary = typeof PdfLib;
let loaded: Promise<PdfLibrary> | undefined;
export const loadPdfLibrary = (): Promise<PdfLibrary> =>
  (loaded ??= import('@cantoo/pdf-lib').then(boundLibrary));

/**
 * What a page keeps (ISO 32000-1 Table 30): what draws it and where. Gone: /Annots (drawn into the
 * page first, see `flattenAnnotations`), /Metadata, /PieceInfo and /LastModified (the producing
 * application's private data and dates), /Thumb (a picture of the page as it once was), /B (article
 * beads), /AA (actions, e.g. JavaScript on open), /VP (viewports, with geospatial /Measure: where a
 * map was made), /AF (associated files), /StructParents, /ID, /PZ, /Trans, /Dur, /Tabs...
 */
const PAGE_KEYS = new Set([
  'Type',
  'Parent',
  'Resources',
  'MediaBox',
  'CropBox',
  'BleedBox',
  'TrimBox',
  'ArtBox',
  'Contents',
  'Rotate',
  'Group',
  'UserUnit',
]);

/**
 * Keys dropped from every dictionary and stream a page reaches (its resources, fonts, images, forms):
 * XMP streams (14.3.2), private application data (14.5 /PieceInfo, /LastModified), associated and
 * referenced files that name other documents (14.13 /AF, 14.11.7 /OPI, 8.10.4 /Ref), geospatial
 * measure data (12.9 /Measure, /PtData), optional content groups' /Usage (8.11.4.4: names of
 * people, /User, and of the creating application) and the links into the logical structure that is
 * not kept.
 */
const DROPPED_KEYS = new Set([
  'Metadata',
  'PieceInfo',
  'LastModified',
  'AF',
  'OPI',
  'Ref',
  'Measure',
  'PtData',
  'StructParent',
  'StructParents',
  'Usage',
]);

/**
 * A metadata stream (14.3.2: /Type /Metadata, XMP), under whatever key it is reached: a file whose
 * key is damaged or misspelt (a /Metadata byte changed) would otherwise carry its XMP along.
 */
const isMetadataStream = (lib: PdfLibrary, ctx: PDFContext, value: PDFObject): boolean => {
  const stream = ctx.lookup(value);
  return (
    stream instanceof lib.PDFStream &&
    stream.dict.lookup(lib.PDFName.of('Type')) === lib.PDFName.of('Metadata')
  );
};

/** Annotation flags (12.5.3): Hidden and NoView annotations are never drawn. */
const HIDDEN = 1 << 1;
const NO_VIEW = 1 << 5;

/** A number as a PDF content stream writes it (7.3.3: no exponent). */
const num = (x: number): string => (Math.round(x * 1e4) / 1e4).toFixed(4).replace(/\.?0+$/, '');

const numbers = (lib: PdfLibrary, a: PDFArray | undefined, n: number): number[] | undefined => {
  if (a?.size() !== n) return undefined;
  const out = a.asArray().map((_, i) => a.lookupMaybe(i, lib.PDFNumber)?.asNumber());
  return out.every((x): x is number => x !== undefined && Number.isFinite(x) && Math.abs(x) < 1e7)
    ? out
    : undefined;
};

/** The annotation's normal appearance (12.5.5): /AP /N, a stream or one per /AS state. */
const normalAppearance = (
  lib: PdfLibrary,
  ctx: PDFContext,
  annot: PDFDict,
): { ref: PDFRef; dict: PDFDict } | undefined => {
  const ap = annot.lookupMaybe(lib.PDFName.of('AP'), lib.PDFDict);
  let n = ap?.get(lib.PDFName.of('N'));
  const states = ctx.lookup(n);
  if (states instanceof lib.PDFDict) {
    const as = annot.lookupMaybe(lib.PDFName.of('AS'), lib.PDFName);
    n = as === undefined ? undefined : states.get(as);
  }
  const form = ctx.lookup(n);
  return n instanceof lib.PDFRef && form instanceof lib.PDFStream ? { ref: n, dict: form.dict } : undefined;
};

/** A name for an optional content group or membership dictionary in the page's /Properties. */
const layerName = (lib: PdfLibrary, ctx: PDFContext, page: PDFPageLeaf, oc: PDFObject): PDFName => {
  const { Resources } = page.normalizedEntries();
  let properties = Resources.lookupMaybe(lib.PDFName.of('Properties'), lib.PDFDict);
  if (properties === undefined) {
    properties = ctx.obj({});
    Resources.set(lib.PDFName.of('Properties'), properties);
  }
  const key = properties.uniqueKey('AnnotOC');
  properties.set(key, oc);
  return key;
};

/**
 * Draws each visible annotation's appearance into the page, where a viewer shows it (ISO 32000-1
 * 12.5.5: the appearance's /BBox, transformed by its /Matrix, is fitted to the annotation's /Rect),
 * so what the page shows is kept while the annotation objects go with everything they carry that is
 * not drawn: author (/T), dates (/M, /CreationDate), unique name (/NM), popup text (/Contents, /RC),
 * replies, actions, form fields' names and values. Popups (shown only when opened) and annotations
 * with no appearance stream are not drawn.
 */
const flattenAnnotations = (lib: PdfLibrary, ctx: PDFContext, page: PDFPageLeaf): void => {
  const annots = page.lookupMaybe(lib.PDFName.of('Annots'), lib.PDFArray);
  if (annots === undefined) return;
  const draws: string[] = [];
  for (let i = 0; i < annots.size(); i++) {
    const annot = annots.lookupMaybe(i, lib.PDFDict);
    if (annot === undefined) continue;
    if (annot.lookupMaybe(lib.PDFName.of('Subtype'), lib.PDFName) === lib.PDFName.of('Popup')) continue;
    const flags = annot.lookupMaybe(lib.PDFName.of('F'), lib.PDFNumber)?.asNumber() ?? 0;
    if ((flags & (HIDDEN | NO_VIEW)) !== 0) continue;
    const form = normalAppearance(lib, ctx, annot);
    const rect = numbers(lib, annot.lookupMaybe(lib.PDFName.of('Rect'), lib.PDFArray), 4);
    const bbox = numbers(lib, form?.dict.lookupMaybe(lib.PDFName.of('BBox'), lib.PDFArray), 4);
    if (form === undefined || rect === undefined || bbox === undefined) continue;
    const [a, b, c, d, e, f] = numbers(
      lib,
      form.dict.lookupMaybe(lib.PDFName.of('Matrix'), lib.PDFArray),
      6,
    ) ?? [1, 0, 0, 1, 0, 0];
    const [x0, y0, x1, y1] = bbox as [number, number, number, number];
    const corners = [
      [x0, y0],
      [x1, y0],
      [x0, y1],
      [x1, y1],
    ].map(([x, y]) => [a! * x! + c! * y! + e!, b! * x! + d! * y! + f!] as const);
    const xs = corners.map((p) => p[0]);
    const ys = corners.map((p) => p[1]);
    const [tx0, tx1, ty0, ty1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const [rx0, ry0, rx1, ry1] = rect as [number, number, number, number];
    const [left, bottom] = [Math.min(rx0, rx1), Math.min(ry0, ry1)];
    if (tx1 - tx0 <= 0 || ty1 - ty0 <= 0) continue;
    const sx = Math.abs(rx1 - rx0) / (tx1 - tx0);
    const sy = Math.abs(ry1 - ry0) / (ty1 - ty0);
    form.dict.set(lib.PDFName.of('Type'), lib.PDFName.of('XObject'));
    form.dict.set(lib.PDFName.of('Subtype'), lib.PDFName.of('Form'));
    const name = page.newXObject('Annot', form.ref);
    const draw = `q ${num(sx)} 0 0 ${num(sy)} ${num(left - tx0 * sx)} ${num(bottom - ty0 * sy)} cm ${name.toString()} Do Q`;
    // An annotation in a layer (12.5.2 /OC) stays in it: drawn as optional content (8.11.3.2).
    const oc = annot.get(lib.PDFName.of('OC'));
    draws.push(oc === undefined ? draw : `/OC ${layerName(lib, ctx, page, oc).toString()} BDC ${draw} EMC`);
  }
  if (draws.length === 0) return;
  // The page's own content is wrapped in q … Q so the annotations are drawn in default user space
  // whatever state it leaves behind (8.4.2); streams join at token boundaries only (7.8.2), hence
  // the newline before Q.
  const contents = ctx.lookup(page.get(lib.PDFName.of('Contents')));
  const streams =
    contents instanceof lib.PDFArray
      ? contents.asArray()
      : contents === undefined
        ? []
        : [page.get(lib.PDFName.of('Contents'))!];
  page.set(
    lib.PDFName.of('Contents'),
    ctx.obj([
      ctx.register(ctx.stream('q\n')),
      ...streams,
      ctx.register(ctx.flateStream(`\nQ\n${draws.join('\n')}\n`)),
    ]),
  );
};

/**
 * The catalog's layer configuration (8.11.4), kept so that a layer hidden by default stays hidden
 * (without it a viewer shows every layer): the groups and the default configuration's states and
 * panel order. Gone: alternate configurations (/Configs) and, from the default one, its /Creator
 * (the application), /Name and /AS (automatic states driven by the groups' /Usage, which names
 * people: /User, and the creating application: /CreatorInfo; dropped from the groups by `scrub`).
 */
const LAYER_CONFIG_KEYS = new Set([
  'BaseState',
  'ON',
  'OFF',
  'Intent',
  'Order',
  'ListMode',
  'RBGroups',
  'Locked',
]);
const keptLayers = (lib: PdfLibrary, layers: PDFDict): PDFDict => {
  for (const key of layers.keys()) if (!['OCGs', 'D'].includes(key.decodeText())) layers.delete(key);
  const config = layers.lookupMaybe(lib.PDFName.of('D'), lib.PDFDict);
  if (config !== undefined)
    for (const key of config.keys()) if (!LAYER_CONFIG_KEYS.has(key.decodeText())) config.delete(key);
  return layers;
};

/**
 * The streams that are content streams (7.8.2), where inline images live (8.9.7): the pages'
 * /Contents (after their annotations were drawn in), form XObjects (8.10), tiling patterns (8.7.3.1:
 * /PatternType 1) and Type 3 glyph descriptions (9.6.5: /CharProcs).
 */
const contentStreams = (lib: PdfLibrary, ctx: PDFContext): Set<PDFObject> => {
  const out = new Set<PDFObject>();
  const add = (o: PDFObject | undefined): void => {
    const found = ctx.lookup(o);
    if (found instanceof lib.PDFRawStream) out.add(found);
    else if (found instanceof lib.PDFArray) for (const x of found.asArray()) add(x);
  };
  for (const [, o] of ctx.enumerateIndirectObjects()) {
    const dict = o instanceof lib.PDFStream ? o.dict : o instanceof lib.PDFDict ? o : undefined;
    if (dict === undefined) continue;
    const subtype = dict.lookup(lib.PDFName.of('Subtype'));
    if (dict.lookup(lib.PDFName.of('Type')) === lib.PDFName.of('Page'))
      add(dict.get(lib.PDFName.of('Contents')));
    if (o instanceof lib.PDFRawStream) {
      const pattern = dict.lookupMaybe(lib.PDFName.of('PatternType'), lib.PDFNumber)?.asNumber();
      if (subtype === lib.PDFName.of('Form') || pattern === 1) out.add(o);
    }
    if (subtype === lib.PDFName.of('Type3'))
      for (const glyph of dict.lookupMaybe(lib.PDFName.of('CharProcs'), lib.PDFDict)?.values() ?? [])
        add(glyph);
  }
  return out;
};

/**
 * Walks what the new document's catalog reaches, dropping `DROPPED_KEYS` everywhere, checking every
 * stream's filters within the budgets and the metadata of every JPEG and JPEG 2000 image, inline
 * JPEGs in content streams too (`cleanStream`), then deletes every object it did not reach (annotations drawn
 * into their page, XMP streams, whatever the copied pages pointed at and no longer do). An object the
 * parser could not read (it would be written back as the bytes it came as) makes the PDF unreadable.
 */
const scrub = async (
  lib: PdfLibrary,
  ctx: PDFContext,
  maxBytes: number,
  budgets: Budgets,
): Promise<Result<void, PdfError>> => {
  const reached = new Set<PDFRef>();
  const seen = new Set<PDFObject>();
  const contents = contentStreams(lib, ctx);
  const todo: (PDFObject | undefined)[] = [ctx.trailerInfo.Root];
  while (todo.length > 0) {
    const o = todo.pop();
    if (o === undefined || seen.has(o)) continue;
    seen.add(o);
    if (o instanceof lib.PDFRef) {
      reached.add(o);
      todo.push(ctx.lookup(o));
    } else if (o instanceof lib.PDFInvalidObject) return err('unreadable-pdf');
    // One push each: a font's /W or a page tree's /Kids can outgrow a spread's argument limit.
    else if (o instanceof lib.PDFArray) for (const x of o.asArray()) todo.push(x);
    else if (o instanceof lib.PDFDict || o instanceof lib.PDFStream) {
      const dict = o instanceof lib.PDFStream ? o.dict : o;
      for (const [key, value] of dict.entries())
        if (DROPPED_KEYS.has(key.decodeText()) || isMetadataStream(lib, ctx, value)) dict.delete(key);
      const cleaned =
        o instanceof lib.PDFRawStream
          ? await cleanStream(lib, o, maxBytes, budgets, contents.has(o))
          : ok(undefined);
      if (!cleaned.ok) return cleaned;
      for (const x of dict.values()) todo.push(x);
    }
  }
  for (const [ref] of ctx.enumerateIndirectObjects()) if (!reached.has(ref)) ctx.delete(ref);
  return ok(undefined);
};

/**
 * The PDF rewritten to what its pages show (issue 16: no metadata leaves the tablet): a new document
 * into which the pages are copied, so the source's document information dictionary (author, creator,
 * producer, dates, title), catalog (XMP /Metadata, /OpenAction and /Names JavaScript, embedded files,
 * outlines, form fields, structure tree; only its layer configuration is copied, `keptLayers`),
 * trailer /ID and every object no page reaches are left behind; the pages then lose their annotations (drawn in), their own and their resources' metadata,
 * their JPEGs (inline images in content streams too) their EXIF/XMP/IPTC segments and their JPEG
 * 2000 images their metadata boxes and comments. The new document gets no information dictionary
 * (`updateMetadata: false`: the library would otherwise write its name and today's date).
 * An encrypted PDF that opens with the empty user password (permissions only) is decrypted and
 * rewritten as any other, with no encryption of its own (what goes to the hospital is sealed
 * anyway); one that needs a password is refused: the tablet cannot strip what it cannot read. Not
 * cleaned: JBIG2 images' extension segments, see docs/decisions.md. `maxBytes` bounds the PDF sent, and
 * so what a filtered JPEG may inflate to, and what the PDF may decode to in all: the streams the
 * parser expands and every filtered stream the new PDF carries (`cleanStream`), within
 * `decodeBudget`, lossless images' samples within `pixelBudget`. A decompression bomb is refused,
 * `too-large`, before it is inflated, so it neither stalls the tablet nor reaches the ER's viewer.
 */
export const rewritePdf = async (
  lib: PdfLibrary,
  bytes: Uint8Array,
  maxBytes: number,
): Promise<Result<Uint8Array, PdfError>> => {
  const budget = decodeBudget(maxBytes);
  let source: PdfLib.PDFDocument;
  try {
    source = await withBudget(budget, () => lib.PDFDocument.load(bytes, { updateMetadata: false }));
  } catch (e) {
    if (!(e instanceof lib.EncryptedPDFError)) return err(budget.refused ?? 'unreadable-pdf');
    // Encrypted (7.6): opened with the empty user password, as a viewer opens it without asking
    // (a "permissions-only" PDF: 7.6.4.3 Algorithms 6 and 11 check the padding string alone), its
    // strings and streams decrypted as they are parsed (the library's standard security handler:
    // RC4 and AES-128, V 1, 2 and 4; AES-256, V 5). One that needs a password, or another handler
    // (public-key, 7.6.5), stays refused.
    try {
      source = await withBudget(budget, () =>
        lib.PDFDocument.load(bytes, { updateMetadata: false, password: '' }),
      );
    } catch {
      return err(budget.refused ?? 'encrypted-pdf');
    }
  }
  if (budget.refused !== undefined) return err(budget.refused);
  try {
    if (source.getPageCount() === 0) return err('unreadable-pdf');
    const out = await lib.PDFDocument.create({ updateMetadata: false });
    // One copier for the pages and the layers, so a page's optional content and the catalog's
    // layer configuration name the same copied groups.
    const copier = lib.PDFObjectCopier.for(source.context, out.context);
    for (const page of source.getPages()) {
      const copied = copier.copy(page.node);
      out.addPage(lib.PDFPage.of(copied, out.context.register(copied), out));
    }
    const layers = source.catalog.lookupMaybe(lib.PDFName.of('OCProperties'), lib.PDFDict);
    if (layers !== undefined)
      out.catalog.set(lib.PDFName.of('OCProperties'), keptLayers(lib, copier.copy(layers)));
    for (const page of out.getPages()) {
      flattenAnnotations(lib, out.context, page.node);
      for (const key of page.node.keys()) if (!PAGE_KEYS.has(key.decodeText())) page.node.delete(key);
    }
    const scrubbed = await scrub(lib, out.context, maxBytes, {
      decode: budget,
      pixels: pixelBudget(maxBytes),
    });
    if (!scrubbed.ok) return scrubbed;
    return ok(await out.save({ addDefaultPage: false, updateFieldAppearances: false }));
  } catch {
    // The library throws on structure it cannot follow (a broken page tree, a stream it cannot
    // decode): the crew's file, not the gateway, is at fault.
    return err('unreadable-pdf');
  }
};
