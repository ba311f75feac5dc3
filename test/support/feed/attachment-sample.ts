import sharp from 'sharp';

/**
 * Attachment bytes for feed tests: JPEG's leading bytes, then a pattern from `seed`. The feed checks
 * only the type's magic and the digest, so a pattern is enough and its digest is reproducible.
 */
export const patternJpeg = (size: number, seed = 1): Uint8Array => {
  const b = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    // xorshift32: incompressible enough that TLS and SQLite carry every byte.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  b.set([0xff, 0xd8, 0xff]);
  return b;
};

/** A camera-like photo (noise, so it stays large as JPEG) with EXIF GPS, make, model and serial. */
export const photoWithGps = async (width = 3000, height = 2000): Promise<Buffer> =>
  sharp(Buffer.from(patternJpeg(width * height * 3, width)), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'EMS-Phone 9', ImageDescription: 'device serial SN-4711' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '35/1 41/1 2245/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '139/1 41/1 3045/100',
      },
    })
    .toBuffer();

/** A 12-lead-ECG-like image: a grid and a trace, drawn as SVG and rendered to PNG. */
export const ecgImage = async (width = 1200, height = 500): Promise<Buffer> => {
  const grid = Array.from(
    { length: Math.floor(width / 25) },
    (_, i) => `<line x1="${i * 25}" y1="0" x2="${i * 25}" y2="${height}" stroke="#f4a0a0" stroke-width="1"/>`,
  ).join('');
  const rows = Array.from(
    { length: Math.floor(height / 25) },
    (_, i) => `<line x1="0" y1="${i * 25}" x2="${width}" y2="${i * 25}" stroke="#f4a0a0" stroke-width="1"/>`,
  ).join('');
  let d = `M0 ${height / 2}`;
  for (let x = 0; x < width; x += 100)
    d += ` L${x + 40} ${height / 2} L${x + 45} ${height / 2 - 10} L${x + 50} ${height / 2} L${x + 58} ${height / 2 + 15} L${x + 62} ${height / 2 - 160} L${x + 66} ${height / 2 + 30} L${x + 70} ${height / 2} L${x + 100} ${height / 2}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#fff"/>${grid}${rows}<path d="${d}" fill="none" stroke="#111" stroke-width="2"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
};
