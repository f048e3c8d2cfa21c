#!/usr/bin/env node
// Draws the extension's marketplace icon, media/icon.png (128×128 RGBA), with no image library: two speech
// bubbles (a question in, an answer out: sequence to sequence) on a rounded blue square, each pixel
// supersampled 4×4 for smooth edges, written as a PNG with zlib. Run: node scripts/make-icon.js
'use strict';
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { deflateSync } = require('node:zlib');

const SIZE = 128;
const SS = 4; // samples per pixel side

/** Inside a rounded rectangle [x0, x1] × [y0, y1] with corner radius r. */
function inRoundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Inside the triangle a, b, c (same-side test). */
function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by);
  const d2 = s(x, y, bx, by, cx, cy);
  const d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

const BLUE = [37, 99, 235];
const WHITE = [255, 255, 255];
const PALE = [191, 219, 254];
const INK = [30, 64, 175];

/** The colour at a point, or null outside the icon (transparent). Later shapes paint over earlier ones. */
function colourAt(x, y) {
  if (!inRoundRect(x, y, 2, 2, 126, 126, 26)) return null;
  let c = BLUE;
  // the question: a pale bubble, top left, tail down-left
  if (inRoundRect(x, y, 16, 20, 82, 60, 14) || inTriangle(x, y, [24, 54], [40, 56], [18, 72])) c = PALE;
  // its text: two lines
  if (inRoundRect(x, y, 28, 33, 70, 38, 2.5) || inRoundRect(x, y, 28, 43, 56, 48, 2.5)) c = INK;
  // the answer: a white bubble, bottom right, tail down-right
  if (inRoundRect(x, y, 44, 68, 112, 108, 14) || inTriangle(x, y, [98, 102], [88, 104], [110, 118])) c = WHITE;
  if (inRoundRect(x, y, 56, 81, 100, 86, 2.5) || inRoundRect(x, y, 56, 91, 86, 96, 2.5)) c = BLUE;
  return c;
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py++) {
  raw[py * (SIZE * 4 + 1)] = 0; // filter: none
  for (let px = 0; px < SIZE; px++) {
    const sum = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = colourAt(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
        if (!c) continue;
        sum[0] += c[0];
        sum[1] += c[1];
        sum[2] += c[2];
        sum[3] += 1;
      }
    }
    const o = py * (SIZE * 4 + 1) + 1 + px * 4;
    const n = sum[3];
    // colour averaged over the covered samples (no dark fringe), alpha = coverage
    raw[o] = n ? Math.round(sum[0] / n) : 0;
    raw[o + 1] = n ? Math.round(sum[1] / n) : 0;
    raw[o + 2] = n ? Math.round(sum[2] / n) : 0;
    raw[o + 3] = Math.round((255 * n) / (SS * SS));
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = join(__dirname, '..', 'media', 'icon.png');
writeFileSync(out, png);
console.log(`make-icon: ${SIZE}×${SIZE}, ${png.length} B → ${out}`);
