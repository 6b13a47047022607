import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

/** The logger of the request being served (bound to its request id), for code that runs on its behalf. */
export const requestContext = new AsyncLocalStorage<{ logger: Logger; requestId: string }>();
