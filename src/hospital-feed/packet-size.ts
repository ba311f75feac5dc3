import { err, ok, type Result } from '../core/index.js';

/**
 * The largest MQTT packet a broker of the feed accepts, whole packet counted (MQTT 5 §3.1.2.11.4
 * Maximum Packet Size): the same 1 MiB as `max_packet_size` in deploy/mosquitto/mosquitto.conf. A
 * report body is at most MAX_BODY_BYTES (256 KiB), so a sealed envelope fits with room to spare.
 */
export const MAX_PACKET_BYTES = 1_048_576;

export const PACKET_SIZE_ERRORS = ['too-large', 'malformed-length'] as const;
export type PacketSizeError = (typeof PACKET_SIZE_ERRORS)[number];

/**
 * Where a scan of an MQTT byte stream stands: reading a fixed header's first byte, its Remaining
 * Length (MQTT 3.1.1 §2.2.3: a variable byte integer of at most 4 bytes, 7 bits each, low first), or
 * skipping the rest of a packet.
 */
export type PacketScan =
  | { readonly at: 'type' }
  | { readonly at: 'length'; readonly value: number; readonly bytes: number }
  | { readonly at: 'body'; readonly left: number };

export const PACKET_SCAN_START: PacketScan = { at: 'type' };

/**
 * Follows packet boundaries through `chunk` and refuses a packet as soon as its header says it is
 * larger than `limit`, before its body arrives: a broker that buffers whole packets (aedes) then never
 * holds more than `limit` bytes of one.
 */
export const scanPackets = (
  scan: PacketScan,
  chunk: Uint8Array,
  limit: number,
): Result<PacketScan, PacketSizeError> => {
  let state = scan;
  let i = 0;
  while (i < chunk.length) {
    switch (state.at) {
      case 'type':
        i += 1;
        state = { at: 'length', value: 0, bytes: 0 };
        break;
      case 'length': {
        const byte = chunk[i] ?? 0;
        i += 1;
        const value = state.value + (byte & 0x7f) * 128 ** state.bytes;
        const bytes = state.bytes + 1;
        if ((byte & 0x80) !== 0) {
          if (bytes === 4) return err('malformed-length');
          state = { at: 'length', value, bytes };
          break;
        }
        // Fixed header: one type byte and the length bytes.
        if (1 + bytes + value > limit) return err('too-large');
        state = value === 0 ? PACKET_SCAN_START : { at: 'body', left: value };
        break;
      }
      case 'body': {
        const taken = Math.min(state.left, chunk.length - i);
        i += taken;
        state = taken === state.left ? PACKET_SCAN_START : { at: 'body', left: state.left - taken };
        break;
      }
      default:
        return state satisfies never;
    }
  }
  return ok(state);
};
