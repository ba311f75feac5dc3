import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * An encrypted one-page PDF written by ISO 32000-1 §7.6 (the standard security handler, revision 3
 * with RC4 or revision 4 with AES-128), by hand rather than by the PDF library the tablet decrypts
 * with, so a test sees the library open a file it did not write. The page draws `text` and a red
 * square; the information dictionary names `author`. Every string and stream is encrypted with its
 * object's key; the cross-reference table and the /Encrypt dictionary are not (7.6.1).
 */

/** Algorithm 2's padding string (7.6.3.3). */
const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');

/** RC4 (the "ARCFOUR" of 7.6.2), which OpenSSL 3 no longer offers by default. */
const rc4 = (key: Buffer, data: Buffer): Buffer => {
  const s = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + s[i]! + key[i % key.length]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + s[i]!) & 0xff;
    [s[i], s[j]] = [s[j]!, s[i]!];
    out[n] = data[n]! ^ s[(s[i]! + s[j]!) & 0xff]!;
  }
  return out;
};
const md5 = (...parts: Buffer[]): Buffer => createHash('md5').update(Buffer.concat(parts)).digest();
const padded = (password: string): Buffer =>
  Buffer.concat([Buffer.from(password, 'latin1'), PAD]).subarray(0, 32);
/** Steps c) and g) of Algorithms 3 and 5: 19 more passes of RC4, the key XORed with the pass number. */
const rc4Passes = (key: Buffer, data: Buffer): Buffer => {
  let out = rc4(key, data);
  for (let i = 1; i <= 19; i++) out = rc4(Buffer.from(key.map((b) => b ^ i)), out);
  return out;
};

export type HandCipher = 'RC4-128' | 'AES-128';

export const handEncryptedPdf = (
  cipher: HandCipher,
  userPassword: string,
  text: string,
  author: string,
): Uint8Array => {
  const n = 16;
  const id = randomBytes(16);
  // Print (bit 3) and print in high quality (bit 12) only; bits 7–8 and 13–32 set (Table 22).
  const p = -1852;
  // Algorithm 3: /O, from the owner password.
  let ownerKey = md5(padded('owner-4711'));
  for (let i = 0; i < 50; i++) ownerKey = md5(ownerKey);
  const o = rc4Passes(ownerKey, padded(userPassword));
  // Algorithm 2: the file key.
  const pBytes = Buffer.alloc(4);
  pBytes.writeInt32LE(p);
  let key = md5(padded(userPassword), o, pBytes, id);
  for (let i = 0; i < 50; i++) key = md5(key.subarray(0, n));
  key = key.subarray(0, n);
  // Algorithm 5: /U, 16 bytes and 16 of padding.
  const u = Buffer.concat([rc4Passes(key, md5(PAD, id)), Buffer.alloc(16)]);
  // Algorithm 1: each object's key; AES-128 in CBC with a random IV first and PKCS#5 padding.
  const encrypt = (num: number, data: Buffer): Buffer => {
    const salt = cipher === 'AES-128' ? Buffer.from('sAlT', 'latin1') : Buffer.alloc(0);
    const objectKey = md5(key, Buffer.from([num, 0, 0, 0, 0]), salt).subarray(0, Math.min(n + 5, 16));
    if (cipher === 'RC4-128') return rc4(objectKey, data);
    const iv = randomBytes(16);
    const aes = createCipheriv('aes-128-cbc', objectKey, iv);
    return Buffer.concat([iv, aes.update(data), aes.final()]);
  };
  const content = deflateSync(
    Buffer.from(`1 0 0 rg 20 20 60 60 re f 0 g BT /F1 14 Tf 20 90 Td (${text}) Tj ET`, 'latin1'),
  );
  const stream = encrypt(4, content);
  const filter =
    cipher === 'AES-128'
      ? '/V 4 /R 4 /Length 128 /CF << /StdCF << /CFM /AESV2 /AuthEvent /DocOpen /Length 16 >> >> /StmF /StdCF /StrF /StdCF'
      : '/V 2 /R 3 /Length 128';
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 120] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>',
    `<< /Filter /FlateDecode /Length ${stream.length} >>\nstream\n${stream.toString('latin1')}\nendstream`,
    `<< /Author <${encrypt(5, Buffer.from(author, 'latin1')).toString('hex')}> >>`,
    `<< /Filter /Standard ${filter} /O <${o.toString('hex')}> /U <${u.toString('hex')}> /P ${p} >>`,
  ];
  let pdf = '%PDF-1.6\n%\xe2\xe3\xcf\xd3\n';
  const offsets = objects.map((body, i) => {
    const at = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const at of offsets) pdf += `${String(at).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 5 0 R /Encrypt 6 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(pdf, 'latin1'));
};
