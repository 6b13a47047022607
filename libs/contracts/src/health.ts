import { z } from 'zod';

const CheckSchema = z.union([
  z.object({ status: z.literal('up'), latencyMs: z.number() }),
  z.object({ status: z.literal('down'), latencyMs: z.number(), error: z.string() }),
]);

/** `GET /health`: 200 when every dependency answers, 503 naming the one that does not. */
export const HealthReportSchema = z.object({
  status: z.enum(['ok', 'error']),
  checks: z.object({ postgres: CheckSchema, redis: CheckSchema }),
});
export type HealthReportBody = z.infer<typeof HealthReportSchema>;
