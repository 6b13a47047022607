/** Sets of instants as sorted, disjoint, half-open intervals [start, end) in epoch milliseconds. */
export type Interval = readonly [start: number, end: number];
export type IntervalSet = readonly Interval[];

/** Sorts and merges overlapping or touching intervals; drops empty ones. */
export function normalize(intervals: Iterable<Interval>): Interval[] {
  const sorted = [...intervals].filter(([s, e]) => e > s).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export function intersect(a: IntervalSet, b: IntervalSet): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const [as, ae] = a[i] as Interval;
    const [bs, be] = b[j] as Interval;
    const s = Math.max(as, bs);
    const e = Math.min(ae, be);
    if (e > s) out.push([s, e]);
    if (ae < be) i++;
    else j++;
  }
  return out;
}

export function contains(set: IntervalSet, t: number): boolean {
  return set.some(([s, e]) => s <= t && t < e);
}

/** The earliest instant ≥ t inside the set, if any. */
export function firstAtOrAfter(set: IntervalSet, t: number): number | undefined {
  for (const [s, e] of set) {
    if (e <= t) continue;
    return Math.max(s, t);
  }
  return undefined;
}
