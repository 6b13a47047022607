import { type AgentConfig, ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { createWorker } from './worker.js';

/** How long work in progress gets to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 25_000;

function loadConfigOrExit(): AgentConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`agent: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const worker = createWorker(config, logger);

  const shutdown = (signal: NodeJS.Signals) => {
    // A second signal means "now": skip the grace period.
    process.once(signal, () => {
      logger.warn({ signal }, 'second signal, exiting at once');
      process.exit(1);
    });
    const deadline = setTimeout(() => {
      logger.error({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown grace period over, exiting with work in progress');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    deadline.unref();
    void worker.stop(signal);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await worker.start();
  await worker.stopped;
}

main().catch((error: unknown) => {
  process.stderr.write(`agent failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
