#!/usr/bin/env node
// Draws the app icon (a gold tern in flight on a dark rounded square) and
// writes build/icon.png (512) and build/icons/{512x512,256x256}.png. No
// dependencies: shapes are signed-distance functions, 4x4 supersampled, and the
// PNG is encoded with node:zlib. Deterministic, so re-running changes nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';

const root = join(dirname(new URL(import.meta.url).pathname), '..');

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
function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// Shapes in unit coordinates (0..1, y down). Negative distance = inside.
function roundedSquare(x, y, half = 0.44, radius = 0.1) {
  const qx = Math.abs(x - 0.5) - half + radius;
  const qy = Math.abs(y - 0.5) - half + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}
/**
 * A wing: the upper half of a flattened ring, thick where it meets the body and
 * tapering to a point at the outer tip (`tipLeft` says which end is the tip).
 */
function wing(x, y, cx, cy, r, width, tipLeft) {
  const dy = (y - cy) * 1.5; // flatten the arc
  if (dy > 0) return 1;
  const along = Math.min(1, Math.max(0, (x - (cx - r)) / (2 * r))); // 0 at left end, 1 at right end
  const t = tipLeft ? along : 1 - along; // 0 at the tip, 1 at the body
  return Math.abs(Math.hypot(x - cx, dy) - r) - width * Math.pow(t, 0.8);
}
function tern(x, y) {
  const left = wing(x, y, 0.33, 0.55, 0.17, 0.05, true);
  const right = wing(x, y, 0.67, 0.55, 0.17, 0.05, false);
  const body = Math.hypot(x - 0.5, (y - 0.56) / 1.35) - 0.045;
  return Math.min(left, right, body);
}

function draw(size) {
  const rgba = Buffer.alloc(size * size * 4);
  const S = 4; // supersampling per axis
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let a = 0;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          if (roundedSquare(x, y) > 0) continue;
          a += 1;
          if (tern(x, y) <= 0) {
            r += 0xf0; g += 0xb9; b += 0x0b; // gold
          } else {
            const t = y; // a slight top-to-bottom gradient on the background
            r += 0x16 - 8 * t; g += 0x1a - 8 * t; b += 0x22 - 8 * t;
          }
        }
      }
      const i = (py * size + px) * 4;
      if (a > 0) {
        rgba[i] = Math.round(r / a);
        rgba[i + 1] = Math.round(g / a);
        rgba[i + 2] = Math.round(b / a);
      }
      rgba[i + 3] = Math.round((255 * a) / (S * S));
    }
  }
  return encodePng(size, rgba);
}

const outputs = [
  ['build/icon.png', 512],
  ['build/icons/512x512.png', 512],
  ['build/icons/256x256.png', 256],
];
const cache = new Map();
for (const [file, size] of outputs) {
  if (!cache.has(size)) cache.set(size, draw(size));
  const path = join(root, file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, cache.get(size));
  console.log(`wrote ${file} (${size}x${size}, ${cache.get(size).length} bytes)`);
}
