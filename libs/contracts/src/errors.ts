import { z } from 'zod';

/** The error envelope of every 4xx/5xx answer of the HTTP API (API.md). */
export const ApiErrorDetailSchema = z.object({ path: z.string(), message: z.string() });
export const ApiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(ApiErrorDetailSchema).optional(),
    requestId: z.string(),
    errorId: z.string().optional(),
  }),
});
export type ApiErrorDetail = z.infer<typeof ApiErrorDetailSchema>;
export type ApiError = z.infer<typeof ApiErrorSchema>;
