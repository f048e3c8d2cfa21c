/** Strict UTF-8 decoding that, on failure, says which line holds the first bad byte. */

const BOM = [0xef, 0xbb, 0xbf];

/** Offset of the first byte that is not part of well-formed UTF-8, or -1 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return i;
    }
    i += need + 1;
  }
  return -1;
}

/**
 * 'le' or 'be' when the bytes look like UTF-16 (Windows "Unicode" files): a UTF-16 byte-order mark, or,
 * without one, NUL bytes in at least half of the odd (or even) positions of the first 64 KB and hardly any
 * at the other parity (ASCII text in UTF-16 has a NUL in every other byte). Decoded as UTF-8
 * such a file is valid, NUL-interleaved text. Otherwise undefined.
 */
export function utf16Endianness(bytes: Uint8Array): 'le' | 'be' | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'be';
  const n = Math.min(bytes.length, 64 * 1024) & ~1;
  if (n < 4) return undefined;
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNuls++;
    if (bytes[i + 1] === 0) oddNuls++;
  }
  // Text that is mostly ASCII (as pairs files are: punctuation, digits, tabs, line breaks) has a NUL high
  // byte in most of its UTF-16 units; a UTF-8 file with a few NULs in it is far from that.
  const half = n / 2;
  if (oddNuls >= 4 && oddNuls >= half / 2 && evenNuls <= oddNuls / 16) return 'le';
  if (evenNuls >= 4 && evenNuls >= half / 2 && oddNuls <= evenNuls / 16) return 'be';
  return undefined;
}

/** 1-based line of a byte offset (counts LF bytes before it). */
export function lineOfByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

export type Utf8Result = { ok: true; text: string } | { ok: false; line: number; offset: number };

/** Decodes UTF-8 with or without a byte-order mark; reports the line of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array): Utf8Result {
  const skip = bytes.length >= 3 && bytes[0] === BOM[0] && bytes[1] === BOM[1] && bytes[2] === BOM[2] ? 3 : 0;
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(skip));
    return { ok: true, text };
  } catch {
    const bad = firstInvalidUtf8Byte(bytes.subarray(skip));
    const offset = (bad < 0 ? 0 : bad) + skip;
    return { ok: false, line: lineOfByte(bytes, offset), offset };
  }
}
