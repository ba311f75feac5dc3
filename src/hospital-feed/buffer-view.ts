/**
 * The same bytes as a Buffer, without copying them: better-sqlite3 binds a Buffer as a blob and
 * mqtt.js publishes one. `Buffer.from(bytes)` would copy, which for an attachment chunk (up to
 * 192 KiB) is a copy of the photo per write or publish, and off-heap memory for the GC to count.
 */
export const bufferView = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
