import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { BaseAdapter } from '@bull-board/api/dist/queueAdapters/base.js';
import type {
  JobCleanStatus,
  JobCounts,
  JobRetryStatus,
  JobStatus,
  MetricsType,
  QueueAdapterOptions,
  QueueJob,
  QueueJobJson,
  QueueJobOptions,
  QueueMetrics,
  Status,
} from '@bull-board/api/typings/app';
import type { Job, Queue } from 'bullmq';
import { maskPhonesDeep } from '../common/logging/mask-phone.js';

/**
 * A job as the dashboard sees it: everything it shows (`data`, `failedReason`, `stacktrace`,
 * `returnvalue`, `progress`, `opts`…) goes through `maskPhonesDeep`, so no phone number of any
 * tenant is shown in clear even when a job carries one (call jobs only carry ids; a webhook's
 * event data or an error message might not). The actions act on the real job.
 */
export class MaskedJob implements QueueJob {
  constructor(private readonly job: Job) {}

  get id(): string | undefined {
    return this.job.id;
  }

  get name(): string {
    return maskPhonesDeep(this.job.name);
  }

  get queueName(): string {
    return this.job.queueName;
  }

  get opts(): QueueJob['opts'] {
    return this.job.opts;
  }

  get repeatJobKey(): string | undefined {
    return this.job.repeatJobKey;
  }

  get progress(): unknown {
    return maskPhonesDeep(this.job.progress);
  }

  toJSON(): QueueJobJson {
    return maskPhonesDeep(this.job.toJSON() as unknown as QueueJobJson);
  }

  getState(): ReturnType<QueueJob['getState']> {
    return this.job.getState();
  }

  promote(): Promise<void> {
    return this.job.promote();
  }

  remove(): Promise<void> {
    return this.job.remove();
  }

  retry(state?: JobRetryStatus): Promise<void> {
    return this.job.retry(state);
  }
}

/**
 * The states the board shows and counts: bull-board's BullMQ statuses without `paused`, which is
 * no job state in BullMQ 6 (a paused queue keeps its jobs waiting).
 */
const JOB_STATES = [
  'active',
  'waiting',
  'waiting-children',
  'prioritized',
  'completed',
  'failed',
  'delayed',
] as const satisfies readonly JobStatus[];
type JobState = (typeof JOB_STATES)[number];

/**
 * bull-board's BullMQ adapter, fitted to BullMQ 6 and to this API:
 *
 * - jobs and job logs are shown with phone numbers masked ({@link MaskedJob}): editing a job's
 *   data or adding a job from the board is refused (see QueueDashboard), since what it shows is
 *   not what the job holds;
 * - the Redis client is `queue.getBackend().client` (BullMQ 6 has no `queue.client`, which the
 *   stock adapter's Redis panel and job-flow view still read).
 */
export class DashboardQueueAdapter extends BaseAdapter {
  private readonly inner: BullMQAdapter;

  constructor(
    private readonly queue: Queue,
    options: Partial<QueueAdapterOptions> = {},
  ) {
    super('bullmq', options);
    this.inner = new BullMQAdapter(queue, options);
  }

  async getRedisInfo(): Promise<string> {
    const client = await this.getClient();
    return client.info();
  }

  getClient(): Promise<Awaited<ReturnType<Queue['getBackend']>['client']>> {
    return this.queue.getBackend().client;
  }

  getName(): string {
    return this.inner.getName();
  }

  async getJob(id: string): Promise<QueueJob | undefined> {
    const job = await this.queue.getJob(id);
    return job ? new MaskedJob(job) : undefined;
  }

  async getJobs(jobStatuses: JobStatus[], start?: number, end?: number): Promise<QueueJob[]> {
    const states = jobStatuses.filter((state): state is JobState => (JOB_STATES as readonly string[]).includes(state));
    // no state left (only `paused`): BullMQ would read an empty list of types as "every type"
    if (states.length === 0) return [];
    const jobs = await this.queue.getJobs(states, start, end);
    return jobs.filter(Boolean).map((job) => new MaskedJob(job));
  }

  async getJobLogs(id: string): Promise<string[]> {
    return maskPhonesDeep(await this.inner.getJobLogs(id));
  }

  async getJobCounts(): Promise<JobCounts> {
    const counts = await this.queue.getJobCounts(...JOB_STATES);
    const shown: JobCounts = { latest: 0, paused: 0, ...counts } as JobCounts;
    for (const state of JOB_STATES) shown[state] = counts[state] ?? 0;
    return shown;
  }

  addJob(name: string, data: unknown, options: QueueJobOptions): Promise<QueueJob> {
    return this.inner.addJob(name, data, options);
  }

  clean(queueStatus: JobCleanStatus, graceTimeMs: number): Promise<void> {
    return this.inner.clean(queueStatus, graceTimeMs);
  }

  getMetrics(type: MetricsType, start?: number, end?: number): Promise<QueueMetrics> {
    return this.inner.getMetrics(type, start, end);
  }

  isPaused(): Promise<boolean> {
    return this.inner.isPaused();
  }

  pause(): Promise<void> {
    return this.inner.pause();
  }

  resume(): Promise<void> {
    return this.inner.resume();
  }

  empty(): Promise<void> {
    return this.inner.empty();
  }

  obliterate(): Promise<void> {
    return this.inner.obliterate();
  }

  promoteAll(): Promise<void> {
    return this.inner.promoteAll();
  }

  removeJobScheduler(id: string): Promise<boolean> {
    return this.inner.removeJobScheduler(id);
  }

  getStatuses(): Status[] {
    return ['latest', ...JOB_STATES];
  }

  getJobStatuses(): JobStatus[] {
    return [...JOB_STATES];
  }

  getGlobalConcurrency(): Promise<number | null> {
    return this.inner.getGlobalConcurrency();
  }

  setGlobalConcurrency(concurrency: number): Promise<void> {
    return this.inner.setGlobalConcurrency(concurrency);
  }
}
