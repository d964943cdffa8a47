/**
 * Identifiers as LimaCharlie shapes them: atoms (32 hex characters), UUIDs (event ids, sensor and
 * org ids), and file hashes. Atoms end with the epoch seconds of their event in hex, as real atoms
 * do (`...659ee557` is 2024-01-10 18:43:35), so they sort roughly by time like the real ones.
 */
import { createHash } from 'node:crypto';
import type { Prng } from './prng';

/** Every 16-bit value as 4 hex digits: ids are built from a few lookups (they are made for every event). */
const HEX4: readonly string[] = Array.from({ length: 65536 }, (_, i) => i.toString(16).padStart(4, '0'));

function hex16(n: number): string {
  return HEX4[n & 0xffff] as string;
}

export function hex32(n: number): string {
  return hex16(n >>> 16) + hex16(n);
}

/** `bytes` random bytes as hex. */
export function randomHex(rng: Prng, bytes: number): string {
  let out = '';
  for (let i = 0; i < bytes; i += 4) out += hex32(rng.u32());
  return out.slice(0, bytes * 2);
}

let lastSecond = -1;
let lastSecondHex = '';

/** A LimaCharlie atom: 96 random bits, then the event's epoch seconds. */
export function atom(rng: Prng, timeMs: number): string {
  const second = Math.floor(timeMs / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastSecondHex = hex32(second);
  }
  return hex32(rng.u32()) + hex32(rng.u32()) + hex32(rng.u32()) + lastSecondHex;
}

/** A version-4 UUID. */
export function uuid(rng: Prng): string {
  const a = rng.u32();
  const b = rng.u32();
  const c = rng.u32();
  const d = rng.u32();
  return `${hex32(a)}-${hex16(b >>> 16)}-4${(HEX4[b & 0xfff] as string).slice(1)}-${hex16(((c >>> 16) & 0x3fff) | 0x8000)}-${hex16(c)}${hex32(d)}`;
}

/** A UUID derived from a name, so the same org or sensor keeps its id whatever else changes. */
export function namedUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface FileHashes {
  readonly sha256: string;
  readonly md5: string;
  readonly sha1: string;
}

/** Stand-in hashes of an imaginary file named by `key`: stable, and the same key gives the same file everywhere. */
export function fileHashes(key: string): FileHashes {
  return {
    sha256: createHash('sha256').update(key).digest('hex'),
    md5: createHash('md5').update(key).digest('hex'),
    sha1: createHash('sha1').update(key).digest('hex'),
  };
}

/** Base64 of `bytes` random bytes (registry values, file contents in replies). */
export function randomBase64(rng: Prng, bytes: number): string {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = rng.u32() & 255;
  return buf.toString('base64');
}
