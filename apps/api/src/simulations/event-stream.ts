import type { SimulationEvent, SimulationStreamEnd } from '@switchboard/contracts';
import type { Response } from 'express';
import type { SimulationStream } from './simulations.service.js';

/** How long an EventSource waits before reconnecting (it then sends `Last-Event-ID`). */
const RETRY_MS = 3_000;

/**
 * Serves a simulation's events as Server-Sent Events: each event as `id: <seq>`,
 * `event: <type>`, `data: <json>`; the replay first, then live events; a comment line every
 * `heartbeatMs` (keeps proxies from closing an idle stream, and notices an expired simulation);
 * `event: end` when the call ends, the simulation is deleted or expires, then the response ends.
 * Stops listening as soon as the client goes away.
 */
export function serveEventStream(res: Response, stream: SimulationStream, heartbeatMs: number): void {
  let open = true;
  let lastSeq = stream.afterSeq;

  const write = (chunk: string) => {
    if (open) res.write(chunk);
  };
  const writeEvent = (event: SimulationEvent) => {
    lastSeq = event.seq;
    write(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  };
  const stop = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    void stream.close().catch(() => undefined);
  };
  const end = (data: SimulationStreamEnd) => {
    write(`event: end\ndata: ${JSON.stringify(data)}\n\n`);
    stop();
    res.end();
  };

  res.status(200);
  res.setHeader('content-type', 'text/event-stream; charset=utf-8');
  res.setHeader('cache-control', 'no-cache, no-transform');
  res.setHeader('connection', 'keep-alive');
  // nginx and similar proxies would otherwise buffer the stream
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();
  res.on('close', stop);
  // the client may have gone while the stream was being opened: then 'close' has already fired
  if (res.destroyed) return stop();

  const heartbeat = setInterval(() => {
    write(': heartbeat\n\n');
    stream
      .alive()
      .then((alive) => {
        if (!alive && open) end({ reason: 'expired', disposition: null, lastSeq });
      })
      .catch(() => undefined);
  }, heartbeatMs);
  write(`retry: ${RETRY_MS}\n\n`);
  for (const event of stream.replay) writeEvent(event);
  if (stream.end) return end(stream.end);

  stream.listen(writeEvent, end);
}
