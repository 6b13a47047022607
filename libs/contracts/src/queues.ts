import { z } from 'zod';

export type QueuesErrorCode = 'QUEUES_NOT_INSTALLATION_ADMIN';

/** `POST /v1/admin/queues/session`: the dashboard cookie was set. */
export const QueueDashboardSessionSchema = z.object({
  path: z.literal('/admin/queues').describe('where the cookie is sent, and where the dashboard is'),
  expiresAt: z.iso.datetime().describe('the cookie ends then, or earlier with the credential it was made from'),
});
export type QueueDashboardSession = z.infer<typeof QueueDashboardSessionSchema>;

export const QueueJobCountsSchema = z.object({
  waiting: z.number().int(),
  delayed: z.number().int(),
  prioritized: z.number().int(),
  active: z.number().int(),
  'waiting-children': z.number().int(),
  paused: z.number().int(),
  completed: z.number().int(),
  failed: z.number().int(),
});

/** `GET /v1/admin/queues`: every queue of the API, read from Redis now. */
export const QueuesOverviewSchema = z.object({
  queues: z.array(
    z.object({
      name: z.string(),
      counts: QueueJobCountsSchema,
      oldestWaitingAgeSeconds: z.number().describe('since the oldest waiting job became due; 0 when none waits'),
    }),
  ),
  unavailable: z.array(z.string()).describe('queues whose Redis did not answer in time'),
});
export type QueuesOverview = z.infer<typeof QueuesOverviewSchema>;
