/**
 * A CPU profile of the API thread while a bench loads it: `PROFILER_PLUGIN` is the thread side (to
 * paste into a bench's plugin, which forwards `profile-start` / `profile-stop` messages to
 * `profilerHandle`), `printProfile` prints where the time went. The V8 profiler runs through
 * `node:inspector` in the thread itself, so only the API's work is sampled, not the load
 * generator's.
 */
import { printTable } from './report.js';

export interface ProfileSummary {
  /** the .cpuprofile written to the temp folder */
  file: string;
  sampledMs: number;
  /** functions by self time, most first */
  top: { name: string; location: string; selfMs: number; share: number }[];
  /** self time grouped by package (node_modules/<name>), the API's own code, Node internals */
  byArea: { area: string; selfMs: number; share: number }[];
}

export const PROFILER_PLUGIN = `
let profilerSession;
async function profilerHandle(ctx, message) {
  const inspector = await import('node:inspector/promises');
  if (message.type === 'profile-start') {
    profilerSession = new inspector.Session();
    profilerSession.connect();
    await profilerSession.post('Profiler.enable');
    await profilerSession.post('Profiler.setSamplingInterval', { interval: 200 });
    await profilerSession.post('Profiler.start');
    return {};
  }
  if (message.type === 'profile-stop') {
    const { writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { profile } = await profilerSession.post('Profiler.stop');
    profilerSession.disconnect();
    const file = join(tmpdir(), 'switchboard-bench-' + message.label + '-' + process.pid + '.cpuprofile');
    await writeFile(file, JSON.stringify(profile));
    const total = profile.endTime - profile.startTime;
    const perSample = total / Math.max(1, profile.samples.length);
    const self = new Map();
    const areas = new Map();
    for (const node of profile.nodes) {
      const frame = node.callFrame;
      const ms = (node.hitCount * perSample) / 1000;
      if (ms === 0) continue;
      const url = frame.url || '';
      const pkg = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(url);
      const area = pkg ? pkg[1] : url.includes('/apps/api/dist/') ? 'apps/api' : url.includes('/libs/') ? 'libs/' + (url.split('/libs/')[1] || '').split('/')[0] : url.startsWith('node:') ? 'node internals' : frame.functionName ? '(' + frame.functionName + ')' : '(native / gc / idle)';
      const name = frame.functionName || '(anonymous)';
      const location = url ? url.replace(/^.*?(node_modules\\/|apps\\/|libs\\/|node:)/, '$1') + ':' + (frame.lineNumber + 1) : '';
      const key = name + ' ' + location;
      const entry = self.get(key) || { name, location, selfMs: 0 };
      entry.selfMs += ms;
      self.set(key, entry);
      areas.set(area, (areas.get(area) || 0) + ms);
    }
    const sampledMs = total / 1000;
    const share = (ms) => ms / sampledMs;
    return {
      file,
      sampledMs,
      top: [...self.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, 25).map((e) => ({ ...e, share: share(e.selfMs) })),
      byArea: [...areas.entries()].map(([area, selfMs]) => ({ area, selfMs, share: share(selfMs) })).sort((a, b) => b.selfMs - a.selfMs).slice(0, 20),
    };
  }
  throw new Error('unknown request ' + JSON.stringify(message));
}
`;

const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;

export function printProfile(profile: ProfileSummary): void {
  console.log(
    `\nCPU profile of the API thread (${(profile.sampledMs / 1000).toFixed(1)} s sampled): ${profile.file}\n`,
  );
  printTable(
    ['self time by area', 'ms', 'share'],
    profile.byArea.map((area) => [area.area, area.selfMs.toFixed(0), pct(area.share)]),
  );
  console.log();
  printTable(
    ['function (self time)', 'where', 'ms', 'share'],
    profile.top.map((entry) => [entry.name, entry.location, entry.selfMs.toFixed(0), pct(entry.share)]),
    ['left', 'left', 'right', 'right'],
  );
}
