/**
 * How a 10-digit NANP number maps onto the registry's storage: the area code (NPA) picks the
 * bitmap, the 7-digit subscriber number is the bit index (10^7 bits = 1.25 MB per area code).
 * Pure functions, shared by the import, the lookups and the scrubber.
 */
export interface BitAddress {
  npa: number;
  /** 0 … 9 999 999 */
  index: number;
}

/** A registry line: exactly 10 digits, NXX NXX XXXX (registry files carry nothing else). */
const REGISTRY_LINE = /^[2-9]\d{2}[2-9]\d{6}$/;

export function registryLineAddress(line: string): BitAddress | null {
  if (!REGISTRY_LINE.test(line)) return null;
  return { npa: Number(line.slice(0, 3)), index: Number(line.slice(3)) };
}

/** The address of an E.164 NANP number (`+1NXXNXXXXXX`), as `parsePhone` returns it. */
export function e164Address(e164: string): BitAddress | null {
  return e164.startsWith('+1') ? registryLineAddress(e164.slice(2)) : null;
}

export function testBit(bitmap: Buffer, index: number): boolean {
  return ((bitmap[index >>> 3] ?? 0) & (1 << (index & 7))) !== 0;
}

/** Sets (or clears) a bit; true when it changed. */
export function writeBit(bitmap: Buffer, index: number, value: boolean): boolean {
  const byte = index >>> 3;
  const mask = 1 << (index & 7);
  const before = bitmap[byte] ?? 0;
  const after = value ? before | mask : before & ~mask;
  if (after === before) return false;
  bitmap[byte] = after;
  return true;
}

const POPCOUNT = new Uint8Array(256).map((_, n) => {
  let count = 0;
  for (let v = n; v > 0; v >>= 1) count += v & 1;
  return count;
});

export function countBits(bitmap: Buffer): number {
  let count = 0;
  for (let i = 0; i < bitmap.length; i++) count += POPCOUNT[bitmap[i] ?? 0] ?? 0;
  return count;
}
