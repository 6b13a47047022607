import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiErrorSchema,
  IdParamsSchema,
  SimulationEventsQuerySchema,
  SimulationSchema,
  SimulationTurnRequestSchema,
  SimulationTurnResponseSchema,
  StartSimulationRequestSchema,
  type Simulation,
  type SimulationTurnRequest,
  type SimulationTurnResponse,
} from '@switchboard/contracts';
import type { Response } from 'express';
import type { z } from 'zod';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { ApiError } from '../common/errors/api-error.js';
import { Route } from '../common/validation/route-spec.js';
import { serveEventStream } from './event-stream.js';
import { SIMULATION_SETTINGS, type SimulationSettings } from './simulation-settings.js';
import { SimulationsService, type StartSimulation } from './simulations.service.js';

const error = (description: string) => ({ description, schema: ApiErrorSchema });
const notFound = error('no such simulation in the organisation (SIMULATION_NOT_FOUND)');
const gone = error('the simulation expired after its idle time, or was deleted (SIMULATION_GONE)');

@Controller('v1')
export class SimulationsController {
  constructor(
    private readonly simulations: SimulationsService,
    @Inject(SIMULATION_SETTINGS) private readonly settings: SimulationSettings,
  ) {}

  @Post('flows/:id/simulations')
  @HttpCode(201)
  @Authorize('simulations:run')
  @Route({
    summary: "Start a text test call of a flow's draft or of one of its versions",
    description:
      'Runs the call on the simulated clock until the agent first listens (or the call ends) and answers with ' +
      'its events so far. Tools: mocks from `tools`, builtins simulated; HTTP tools without a mock fail with an ' +
      'error event unless `httpTools: true` (admin or designer). Then send callee turns to ' +
      '`POST /v1/simulations/{id}/turns` and follow `GET /v1/simulations/{id}/events`.',
    tags: ['simulations'],
    params: IdParamsSchema,
    body: StartSimulationRequestSchema,
    responses: {
      201: {
        description: 'the simulation, its events so far and what the agent listens for',
        schema: SimulationSchema,
      },
      403: error('`httpTools: true` without the admin or designer role (SIMULATION_HTTP_TOOLS_FORBIDDEN)'),
      404: error('no such flow or version in the organisation (FLOW_NOT_FOUND, FLOW_VERSION_NOT_FOUND)'),
      422: error(
        'missing required input variables (SIMULATION_MISSING_VARIABLES), a flow with errors ' +
          '(SIMULATION_FLOW_INVALID), or a mock of a tool the flow does not declare (SIMULATION_UNKNOWN_TOOL)',
      ),
    },
  })
  start(
    @CurrentPrincipal() principal: Principal,
    @Param() params: z.infer<typeof IdParamsSchema>,
    @Body() body: StartSimulation,
  ): Promise<Simulation> {
    return this.simulations.start(principal, params.id, body);
  }

  @Get('simulations/:id')
  @Authorize('simulations:run')
  @Route({
    summary: 'A simulation: its state and every event so far',
    tags: ['simulations'],
    params: IdParamsSchema,
    responses: { 200: { description: 'the simulation', schema: SimulationSchema }, 404: notFound, 410: gone },
  })
  get(@CurrentPrincipal() principal: Principal, @Param() params: z.infer<typeof IdParamsSchema>): Promise<Simulation> {
    return this.simulations.get(principal, params.id);
  }

  @Post('simulations/:id/turns')
  @HttpCode(200)
  @Authorize('simulations:run')
  @Route({
    summary: "Send the callee's next turn",
    description:
      'Exactly one of `{text}`, `{dtmf}`, `{silence: true}` (the simulated clock jumps to the no-input deadline) ' +
      'or `{hangup: true}`. Answers with the events the turn produced (the turn itself first), what the agent ' +
      'listens for next, and the call record once the call has ended. Turns of one simulation are applied one ' +
      'at a time.',
    tags: ['simulations'],
    params: IdParamsSchema,
    body: SimulationTurnRequestSchema,
    responses: {
      200: { description: "the turn's events and the new state", schema: SimulationTurnResponseSchema },
      404: notFound,
      409: error('the call has ended (SIMULATION_ENDED), or another turn kept it busy (SIMULATION_BUSY)'),
      410: gone,
    },
  })
  turn(
    @CurrentPrincipal() principal: Principal,
    @Param() params: z.infer<typeof IdParamsSchema>,
    @Body() body: SimulationTurnRequest,
  ): Promise<SimulationTurnResponse> {
    return this.simulations.turn(principal, params.id, body);
  }

  @Get('simulations/:id/events')
  @Authorize('simulations:run')
  @Route({
    summary: "A simulation's events as Server-Sent Events",
    description:
      'Each event as `id: <seq>`, `event: <type>`, `data: <json>`: first the events after `Last-Event-ID` (header, ' +
      'or the `lastEventId` query parameter; all of them without), then live ones as turns happen, whichever API ' +
      'replica applies them. Comment lines keep the stream alive. Ends with `event: end` (data: reason, ' +
      'disposition, lastSeq) when the call ends or the simulation is deleted or expires: an EventSource should ' +
      'close on it (or it reconnects, and is told `end` again).',
    tags: ['simulations'],
    params: IdParamsSchema,
    query: SimulationEventsQuerySchema,
    responses: {
      200: { description: 'the event stream', contentType: 'text/event-stream' },
      400: error('a `Last-Event-ID` that is not an event seq'),
      404: notFound,
      410: gone,
    },
  })
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param() params: z.infer<typeof IdParamsSchema>,
    @Query() query: z.infer<typeof SimulationEventsQuerySchema>,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const afterSeq = lastEventId === undefined ? (query.lastEventId ?? 0) : parseLastEventId(lastEventId);
    const stream = await this.simulations.openStream(principal, params.id, afterSeq);
    serveEventStream(res, stream, this.settings.heartbeatMs);
  }

  @Delete('simulations/:id')
  @HttpCode(204)
  @Authorize('simulations:run')
  @Route({
    summary: 'End a simulation and forget it',
    description: 'Open event streams receive `event: end` (reason `deleted`); the id then answers 410.',
    tags: ['simulations'],
    params: IdParamsSchema,
    responses: { 204: { description: 'deleted' }, 404: notFound, 409: error('a turn kept it busy'), 410: gone },
  })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param() params: z.infer<typeof IdParamsSchema>,
  ): Promise<void> {
    await this.simulations.remove(principal, params.id);
  }
}

function parseLastEventId(value: string): number {
  const trimmed = value.trim();
  if (trimmed === '') return 0;
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  throw new ApiError(400, 'BAD_REQUEST', 'Invalid request: headers.last-event-id: must be the seq of an event', [
    { path: 'headers.last-event-id', message: 'must be the seq of an event (a whole number)' },
  ]);
}
