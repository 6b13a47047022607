/**
 * Where the machine's CPU went during a measured phase (Linux /proc; empty elsewhere): the whole
 * machine's busy share, and the CPU seconds of the processes a bench drives — the bench process
 * itself (API thread and load generator), Postgres (every backend: other databases' included) and
 * Redis. On a shared machine this tells a slow phase that waited for CPU from one that used it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICKS_PER_SECOND = 100;

interface Snapshot {
  at: number;
  /** machine-wide [busy, total] ticks */
  machine: [number, number] | null;
  /** ticks by process name (postgres, redis-server) */
  byName: Map<string, number>;
  self: NodeJS.CpuUsage;
}

function machineTicks(): [number, number] | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, v) => sum + v, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return [total - idle, total];
  } catch {
    return null;
  }
}

function ticksByName(names: readonly string[]): Map<string, number> {
  const found = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return found;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const wanted = names.find((n) => name.startsWith(n));
      if (!wanted) continue;
      // after "pid (name) ": state is field 3; utime and stime are fields 14 and 15
      const fields = stat.slice(close + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      found.set(`${wanted}:${pid}`, ticks);
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

const WATCHED = ['postgres', 'redis-server'] as const;

export function cpuSnapshot(): Snapshot {
  return { at: performance.now(), machine: machineTicks(), byName: ticksByName(WATCHED), self: process.cpuUsage() };
}

export interface CpuSpent {
  seconds: number;
  /** the machine's busy share over the interval (all cores), null without /proc */
  machineBusy: number | null;
  /** CPU seconds of this process (all its threads) */
  self: number;
  /** CPU seconds by watched process name; processes that ended during the interval are missed */
  byName: Record<string, number>;
}

export function cpuSince(before: Snapshot): CpuSpent {
  const after = cpuSnapshot();
  const self = process.cpuUsage(before.self);
  const byName: Record<string, number> = {};
  for (const [key, ticks] of after.byName) {
    const name = key.slice(0, key.indexOf(':'));
    // a process born during the interval counts from zero
    const spent = (ticks - (before.byName.get(key) ?? 0)) / TICKS_PER_SECOND;
    byName[name] = (byName[name] ?? 0) + spent;
  }
  let machineBusy: number | null = null;
  if (before.machine && after.machine) {
    const total = after.machine[1] - before.machine[1];
    machineBusy = total > 0 ? (after.machine[0] - before.machine[0]) / total : null;
  }
  return { seconds: (after.at - before.at) / 1000, machineBusy, self: (self.user + self.system) / 1e6, byName };
}

/** `machine 93 % busy (2 CPUs); bench process 41.2 s CPU, postgres 20.1 s, redis-server 2.3 s` */
export function describeCpu(spent: CpuSpent): string {
  const parts = [`bench process ${spent.self.toFixed(1)} s CPU`];
  for (const name of WATCHED) parts.push(`${name} ${(spent.byName[name] ?? 0).toFixed(1)} s`);
  const machine =
    spent.machineBusy === null
      ? ''
      : `machine ${(spent.machineBusy * 100).toFixed(0)} % busy (${availableParallelism()} CPUs, everyone's work); `;
  return `${machine}${parts.join(', ')} in ${spent.seconds.toFixed(1)} s`;
}

/** CPU seconds a process has used so far (all its threads), or null when it cannot be read. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}
