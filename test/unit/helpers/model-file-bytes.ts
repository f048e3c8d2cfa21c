/**
 * Byte-level editing of `.s2s` model files for tests that corrupt them on purpose: the layout is
 * magic (8) · version (4) · header length L (4) · header JSON (L) · weights · CRC-32 (4).
 */
import { crc32 } from '../../../src/io';

/** Rewrites the trailing CRC so a deliberate change is judged on its content, not on the checksum. */
export function reseal(b: Uint8Array): Uint8Array {
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
  return b;
}

/** The parsed header and the weight bytes of a model file. */
export function headerOf(b: Uint8Array): { header: Record<string, unknown>; rest: Uint8Array } {
  const len = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(b.subarray(16, 16 + len))) as Record<string, unknown>;
  return { header, rest: b.subarray(16 + len, b.length - 4) };
}

/** `original`'s magic and version with this header and these weight bytes, a correct length field and checksum. */
export function rebuild(original: Uint8Array, header: unknown, rest: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(16 + json.length + rest.length + 4);
  out.set(original.subarray(0, 12));
  new DataView(out.buffer).setUint32(12, json.length, true);
  out.set(json, 16);
  out.set(rest, 16 + json.length);
  return reseal(out);
}
