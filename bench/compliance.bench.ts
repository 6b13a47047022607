/**
 * Compliance: the evaluator, the DNC registry and the gate route.
 *
 *   npm run bench -- compliance [--numbers N] [--duration S] [--connections N]
 *
 * Measures
 *  - `evaluate()` decisions per second on one core (libs/compliance, a realistic telemarketing
 *    input: a PEWC, an FL address, a two-zone area code, fresh DNC data), for an ALLOWED and a
 *    DEFERRED decision;
 *  - the national registry: import rate (numbers/s, upload to snapshot ready, through
 *    `POST /v1/dnc/national/import` and the BullMQ job) and size on disk for `--numbers`
 *    synthetic numbers (default 25 million, spread over 30 area codes, ~0.83 M each as in the real
 *    registry); a change list of 100 000 additions (copy-on-write of the area codes it touches);
 *    single lookups through `DncRegistryService.nationalStatus` (p50/p99, with the EXPLAIN of
 *    the byte read); scrubbing a 1 million-number list (goal ≤ 5 s);
 *  - `POST /v1/compliance/check` requests/s and p99 with autocannon.
 *
 * The API is built and runs in a worker thread (bench/lib/api-thread.ts) on a throwaway database
 * next to DATABASE_URL's, dropped at the end, on failure and on Ctrl-C. The synthetic registry file is written to the temp folder and removed. Prints figures;
 * exits 0 unless the bench itself could not run. On a shared machine figures vary with its load
 * (printed).
 */
import { randomInt } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { evaluate, type ComplianceInputInit } from '@switchboard/compliance';
import { buildApi, onInterrupt, startApiThread } from './lib/api-thread.js';
import { ms, numberArg, printTable } from './lib/report.js';

const NUMBERS = numberArg('--numbers', 25_000_000);
const DURATION_S = numberArg('--duration', 10);
const CONNECTIONS = numberArg('--connections', 10);
const WARMUP_S = 2;
const SCRUB_SIZE = 1_000_000;
const LOOKUPS = 5_000;
const ADDITIONS = 100_000;
const GOALS = { lookupP50Ms: 1, scrubS: 5 };
/** 30 in-service area codes: the synthetic registry spreads its numbers over them */
const NPAS = [
  201, 202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225, 228, 229, 231, 234,
  239, 240, 248, 251, 252, 253, 254,
];

// ------------------------------------------------------------------ evaluate()

const DAY = 86_400_000;

function realisticInput(at: string): ComplianceInputInit {
  const before = (days: number) => new Date(Date.parse(at) - days * DAY).toISOString();
  return {
    request: {
      seller: { id: 'acme-solar', legalName: 'Acme Solar LLC' },
      purpose: 'TELEMARKETING',
      subject: 'solar-quote',
      phone: '+18505550101', // Florida panhandle: Central and Eastern time
      lineType: 'WIRELESS',
      address: { state: 'FL', zip: '32501' },
      mode: 'SCHEDULE',
      at,
      callerId: { phone: '+12125550199', verifiedOwned: true },
    },
    facts: {
      consents: [
        {
          id: 'c1',
          type: 'PEWC',
          phone: '+18505550101',
          sellers: ['Acme Solar LLC', 'Acme Energy Partners'],
          capturedAt: before(60),
          written: true,
          signature: { method: 'checkbox_submit', affirmative: true },
          disclosure: {
            text: 'By clicking Submit I agree that Acme Solar LLC may call me at the number above using an artificial or prerecorded voice for marketing. Consent is not a condition of purchase.',
            authorizesArtificialVoice: true,
            notConditionOfPurchase: true,
          },
        },
      ],
      revocations: [],
      internalDnc: [{ phone: '+13055550111', requestedAt: before(30) }],
      nationalDnc: { snapshotId: 's1', obtainedAt: before(5), listed: false },
      stateDnc: { FL: { obtainedAt: before(5), listed: false } },
      ebr: { lastTransactionAt: before(200) },
      reassigned: { queriedAt: before(1), result: 'NO' },
      attempts: [
        { at: before(0.5), subject: 'solar-quote' },
        { at: before(3), subject: 'solar-quote' },
      ],
      emergencies: [],
    },
  };
}

function benchEvaluate(): void {
  const cases: [string, ComplianceInputInit][] = [
    ['ALLOWED (Tue 11:00 Eastern)', realisticInput('2026-03-10T15:00:00Z')],
    ['DEFERRED (Tue 21:30 Eastern, next window searched)', realisticInput('2026-03-11T01:30:00Z')],
  ];
  const rows: string[][] = [];
  for (const [name, input] of cases) {
    const outcome = evaluate(input).outcome;
    for (let i = 0; i < 500; i++) evaluate(input); // JIT, zone-year caches
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < 2_000) {
      for (let i = 0; i < 100; i++) evaluate(input);
      count += 100;
    }
    const seconds = (performance.now() - started) / 1000;
    rows.push([name, outcome, (count / seconds).toFixed(0), `${((seconds / count) * 1e6).toFixed(1)} µs`]);
  }
  printTable(['evaluate() on one core', 'outcome', 'decisions/s', 'per decision'], rows);
}

// ------------------------------------------------------------------ the API thread

/**
 * In the API thread (bench/lib/api-thread.ts, an admin API key): on `measure` it times lookups and a
 * scrub through the registry service in that thread.
 */
const PLUGIN = `
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

export async function handle(ctx, message) {
  if (message.type !== 'measure') throw new Error('unknown request ' + JSON.stringify(message));
  const { randomInt } = await import('node:crypto');
  const { DataSource } = await import(ctx.urls.typeorm);
  const { DncRegistryService } = await import(ctx.urls.dncRegistry);
  const { DncRepository } = await import(ctx.urls.dncRepository);
  const { app, organizationId } = ctx;
  const registry = app.get(DncRegistryService);
  const repository = app.get(DncRepository);
  const dataSource = app.get(DataSource);
  const npas = message.npas;
  const randomPhone = () => '+1' + npas[randomInt(npas.length)] + String(2000000 + randomInt(8000000));
  const at = new Date();

  // single lookups, each a full nationalStatus (parse, one query reading one byte of a bitmap)
  for (let i = 0; i < 200; i++) await registry.nationalStatus(randomPhone(), at, organizationId);
  const times = [];
  let listed = 0;
  for (let i = 0; i < message.lookups; i++) {
    const started = performance.now();
    const status = await registry.nationalStatus(randomPhone(), at, organizationId);
    times.push(performance.now() - started);
    if (status?.listed) listed++;
  }
  times.sort((a, b) => a - b);
  const explain = await dataSource.query(
    "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY ON) SELECT get_byte(substring(b.bitmap FROM 600001 FOR 1), 0) FROM dnc_snapshot_area_codes m JOIN dnc_bitmaps b ON b.id = m.bitmap_id WHERE m.npa = $1 LIMIT 1",
    [npas[0]],
  );

  // scrubbing: 1 M numbers, 90 % in the registry's area codes, in the formats lists come in
  const phones = [];
  for (let i = 0; i < message.scrubSize; i++) {
    const npa = i % 10 === 0 ? 312 : npas[randomInt(npas.length)];
    const subscriber = String(2000000 + randomInt(8000000));
    phones.push(i % 3 === 0 ? '(' + npa + ') ' + subscriber.slice(0, 3) + '-' + subscriber.slice(3) : '+1' + npa + subscriber);
  }
  const scrubs = [];
  for (const label of ['cold (bitmaps read from Postgres)', 'warm (bitmaps in the LRU)']) {
    const started = performance.now();
    const hits = await registry.scrub(phones, at, organizationId);
    scrubs.push({ label, seconds: (performance.now() - started) / 1000, listed: hits.length });
  }
  return {
    type: 'measured',
    lookup: { p50: percentile(times, 0.5), p99: percentile(times, 0.99), max: times[times.length - 1], count: times.length, listed },
    explain: explain.map((row) => row['QUERY PLAN']).join('\\n'),
    scrubs,
    tableBytes: await repository.sizeOnDisk(),
  };
}
`;

interface Measured {
  type: 'measured';
  lookup: { p50: number; p99: number; max: number; count: number; listed: number };
  explain: string;
  scrubs: { label: string; seconds: number; listed: number }[];
  tableBytes: number;
}

// ------------------------------------------------------------------ the registry

/** Writes `count` synthetic registry lines (10 digits, one per line) over `npas`; returns the file size. */
async function writeRegistryFile(path: string, count: number, npas: number[]): Promise<number> {
  const out = createWriteStream(path);
  const perNpa = Math.ceil(count / npas.length);
  let written = 0;
  for (const npa of npas) {
    const prefix = String(npa);
    for (let done = 0; done < perNpa && written < count;) {
      const batch = Math.min(100_000, perNpa - done, count - written);
      let chunk = '';
      for (let i = 0; i < batch; i++) chunk += `${prefix}${2_000_000 + randomInt(8_000_000)}\n`;
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      done += batch;
      written += batch;
    }
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return (await stat(path)).size;
}

/** Streams a file to an import route; resolves with the 202 body. */
function upload(
  base: string,
  key: string,
  route: string,
  path: string,
  query: string,
  size: number,
): Promise<{ jobId: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${route}?${query}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain', 'content-length': size },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          res.statusCode === 202
            ? resolve(JSON.parse(text) as { jobId: string })
            : reject(new Error(`import: expected 202, got ${res.statusCode}: ${text.slice(0, 500)}`)),
        );
      },
    );
    req.on('error', reject);
    createReadStream(path).pipe(req);
  });
}

interface ImportResult {
  status: string;
  numbers: number;
  areaCodes: number;
  error: string | null;
  progress: { linesRead: number; numbersChanged: number; malformed: number };
}

async function waitForImport(base: string, key: string, jobId: string): Promise<ImportResult> {
  for (;;) {
    const res = await fetch(`${base}/v1/dnc/imports/${jobId}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.json()) as ImportResult;
    if (res.status !== 200) throw new Error(`GET /v1/dnc/imports/${jobId}: ${res.status} ${JSON.stringify(body)}`);
    if (body.status !== 'importing') return body;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function timedImport(
  base: string,
  key: string,
  count: number,
  npas: number[],
  mode: string,
  route = '/v1/dnc/national/import',
): Promise<{ seconds: number; uploadSeconds: number; bytes: number; result: ImportResult }> {
  const path = join(tmpdir(), `switchboard-bench-dnc-${process.pid}-${mode}.txt`);
  try {
    const bytes = await writeRegistryFile(path, count, npas);
    const started = performance.now();
    const obtainedAt = new Date(Date.now() - (mode === 'full' ? 2 : 1) * DAY).toISOString();
    const { jobId } = await upload(
      base,
      key,
      route,
      path,
      `mode=${mode}&obtainedAt=${encodeURIComponent(obtainedAt)}`,
      bytes,
    );
    const uploadSeconds = (performance.now() - started) / 1000;
    const result = await waitForImport(base, key, jobId);
    if (result.status !== 'ready') throw new Error(`the ${mode} import failed: ${result.error ?? 'unknown'}`);
    return { seconds: (performance.now() - started) / 1000, uploadSeconds, bytes, result };
  } finally {
    await rm(path, { force: true });
  }
}

// ------------------------------------------------------------------ the gate route

async function benchGate(base: string, key: string): Promise<void> {
  // an owned caller id (when the route exists), so that the gate loads every fact of a real call
  await fetch(`${base}/v1/caller-ids`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phone: '+12125550199', verifiedOwned: true, label: 'bench' }),
  });
  // a number of the imported registry, telemarketing: national and state DNC are looked up
  const body = JSON.stringify({
    phone: '+12125550101',
    purpose: 'TELEMARKETING',
    subject: 'solar-quote',
    callerId: '+12125550199',
    mode: 'SCHEDULE',
    address: { state: 'TX' },
  });
  const probe = await fetch(`${base}/v1/compliance/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
  });
  const text = await probe.text();
  if (probe.status === 404) {
    console.log('POST /v1/compliance/check: the route does not exist yet; not measured');
    return;
  }
  if (probe.status !== 200) {
    console.log(`POST /v1/compliance/check answers ${probe.status} (${text.slice(0, 300)}); not measured`);
    return;
  }
  const outcome = (JSON.parse(text) as { outcome?: string; decision?: { outcome?: string } }).outcome ?? '?';
  process.stdout.write(`POST /v1/compliance/check (${outcome}): warm-up ${WARMUP_S} s, then ${DURATION_S} s… `);
  const options = {
    url: `${base}/v1/compliance/check`,
    method: 'POST' as const,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
    connections: CONNECTIONS,
  };
  await autocannon({ ...options, duration: WARMUP_S });
  const result = await autocannon({ ...options, duration: DURATION_S });
  console.log('done\n');
  printTable(
    ['route', 'req/s', 'p50', 'p99', 'max', 'requests', 'non-2xx'],
    [
      [
        'POST /v1/compliance/check',
        result.requests.average.toFixed(0),
        `${result.latency.p50} ms`,
        `${result.latency.p99} ms`,
        `${result.latency.max} ms`,
        String(result.requests.total),
        String(result.non2xx),
      ],
    ],
  );
}

// ------------------------------------------------------------------ the bench

async function main(): Promise<void> {
  const cpus = availableParallelism();
  const [load1 = 0] = loadavg();
  console.log(
    `compliance: ${NUMBERS.toLocaleString('en-US')} registry numbers; node ${process.version}, ${cpus} CPUs, load average ${load1.toFixed(2)}\n`,
  );
  if (load1 > cpus)
    console.warn(`warning: the machine is busy (load ${load1.toFixed(1)} on ${cpus} CPUs): figures will be low\n`);

  benchEvaluate();
  console.log();

  buildApi();
  let api: Awaited<ReturnType<typeof startApiThread>> | undefined = undefined;
  onInterrupt(() => api?.stop());
  api = await startApiThread({
    roles: ['admin'],
    imports: {
      typeorm: 'typeorm',
      dncRegistry: 'dnc/dnc-registry.service.js',
      dncRepository: 'dnc/dnc.repository.js',
    },
    plugin: PLUGIN,
  });

  try {
    const { base, key } = api.ready;

    process.stdout.write(`full import of ${NUMBERS.toLocaleString('en-US')} numbers over ${NPAS.length} area codes… `);
    const full = await timedImport(base, key, NUMBERS, NPAS, 'full');
    console.log('done');
    process.stdout.write(`change list: ${ADDITIONS.toLocaleString('en-US')} additions in 3 area codes… `);
    const additions = await timedImport(base, key, ADDITIONS, NPAS.slice(0, 3), 'additions');
    console.log('done');
    process.stdout.write(`${LOOKUPS} single lookups and a ${SCRUB_SIZE.toLocaleString('en-US')}-number scrub… `);
    const measured = await api.request<Measured>({
      type: 'measure',
      npas: NPAS,
      lookups: LOOKUPS,
      scrubSize: SCRUB_SIZE,
    });
    console.log('done\n');

    const rate = full.result.progress.linesRead / full.seconds;
    const perNumber = measured.tableBytes / full.result.numbers;
    printTable(
      ['registry', 'figure'],
      [
        ['upload file', `${mb(full.bytes)} (${full.result.progress.linesRead.toLocaleString('en-US')} lines)`],
        ['full import, upload → ready', `${full.seconds.toFixed(1)} s (upload ${full.uploadSeconds.toFixed(1)} s)`],
        ['import rate', `${Math.round(rate).toLocaleString('en-US')} numbers/s`],
        [
          'numbers listed (duplicates merged)',
          `${full.result.numbers.toLocaleString('en-US')} in ${full.result.areaCodes} area codes`,
        ],
        [
          'change list, 100 000 additions',
          `${additions.seconds.toFixed(2)} s → ${additions.result.numbers.toLocaleString('en-US')} numbers`,
        ],
        ['DNC tables on disk (2 snapshots)', `${mb(measured.tableBytes)} (${perNumber.toFixed(2)} bytes/number)`],
        [
          'national registry, 253 M numbers (est.)',
          `~${mb(330 * 1_250_000)} on disk (one 1.25 MB bitmap per area code, ~330 codes, whatever the count); import ~${(253e6 / rate / 60).toFixed(0)} min at this rate`,
        ],
        [
          `nationalStatus() × ${measured.lookup.count}`,
          `p50 ${ms(measured.lookup.p50)}, p99 ${ms(measured.lookup.p99)}, max ${ms(measured.lookup.max)} (${measured.lookup.listed} listed) — goal p50 < ${GOALS.lookupP50Ms} ms: ${measured.lookup.p50 < GOALS.lookupP50Ms ? 'PASS' : 'MISS'}`,
        ],
        ...measured.scrubs.map((scrub) => [
          `scrub 1 M numbers, ${scrub.label}`,
          `${scrub.seconds.toFixed(2)} s, ${scrub.listed.toLocaleString('en-US')} listed — goal ≤ ${GOALS.scrubS} s: ${scrub.seconds <= GOALS.scrubS ? 'PASS' : 'MISS'}`,
        ]),
      ],
      ['left', 'left'],
    );
    if (NUMBERS < 25_000_000) {
      console.log(
        `\n(measured ${NUMBERS.toLocaleString('en-US')} numbers, not 25 M: time scales linearly with lines; size does not grow past one bitmap per area code)`,
      );
    }
    console.log(`\none lookup's byte read (EXPLAIN ANALYZE, BUFFERS):\n${measured.explain.replace(/^/gm, '  ')}\n`);

    // the gate also needs the caller's state list (TX) to be fresh
    await timedImport(base, key, 10_000, [214, 512], 'full', '/v1/dnc/states/TX/import');
    await benchGate(base, key);
  } finally {
    await api.stop();
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

try {
  await main();
} catch (error) {
  console.error(`\ncompliance: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
