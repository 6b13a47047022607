import type { SimulationErrorCode } from '@switchboard/contracts';
import { ApiError, type ErrorDetail } from '../common/errors/api-error.js';

export type { SimulationErrorCode };

/** Every failure of the simulation routes the caller can act on. */
export class SimulationError extends ApiError<SimulationErrorCode> {
  /** also what another organisation's simulation is: it does not exist for the caller */
  static notFound(id: string): SimulationError {
    return new SimulationError(404, 'SIMULATION_NOT_FOUND', `Simulation ${id} not found`);
  }

  static gone(id: string, reason: 'expired' | 'deleted', idleMinutes: number): SimulationError {
    const why = reason === 'deleted' ? 'was deleted' : `expired after ${formatMinutes(idleMinutes)} without a turn`;
    return new SimulationError(410, 'SIMULATION_GONE', `Simulation ${id} ${why}; start a new one`);
  }

  static ended(id: string, disposition: string): SimulationError {
    return new SimulationError(
      409,
      'SIMULATION_ENDED',
      `Simulation ${id} has ended (disposition ${disposition}): it takes no more turns`,
    );
  }

  static busy(id: string): SimulationError {
    return new SimulationError(
      409,
      'SIMULATION_BUSY',
      `Another turn of simulation ${id} is still being applied; send this one again when it has finished`,
    );
  }

  static flowInvalid(details: ErrorDetail[]): SimulationError {
    return new SimulationError(
      422,
      'SIMULATION_FLOW_INVALID',
      `The flow has ${details.length === 1 ? 'an error' : `${details.length} errors`} that keep it from running; fix ${details.length === 1 ? 'it' : 'them'} first`,
      details,
    );
  }

  static missingVariables(names: string[]): SimulationError {
    return new SimulationError(
      422,
      'SIMULATION_MISSING_VARIABLES',
      `Missing required input variable${names.length === 1 ? '' : 's'}: ${names.join(', ')}`,
      names.map((name) => ({ path: `body.variables.${name}`, message: 'required input variable of the flow' })),
    );
  }

  static unknownTools(ids: string[], declared: string[]): SimulationError {
    const known = declared.length === 0 ? 'the flow declares no tools' : `the flow's tools are ${declared.join(', ')}`;
    return new SimulationError(
      422,
      'SIMULATION_UNKNOWN_TOOL',
      `"tools" mocks ${ids.length === 1 ? 'a tool' : 'tools'} the flow does not declare: ${ids.join(', ')} (${known})`,
      ids.map((id) => ({ path: `body.tools.${id}`, message: 'the flow has no tool with this id' })),
    );
  }

  static httpToolsForbidden(): SimulationError {
    return new SimulationError(
      403,
      'SIMULATION_HTTP_TOOLS_FORBIDDEN',
      'Calling real HTTP tools from a simulation needs the admin or designer role; mock them with "tools" instead',
      [{ path: 'body.httpTools', message: 'needs the admin or designer role' }],
    );
  }

  static stalled(afterMs: number): SimulationError {
    return new SimulationError(
      503,
      'SIMULATION_STALLED',
      `The call neither listened nor ended within ${Math.round(afterMs / 1000)} s (a tool that does not answer?); the turn was not applied`,
    );
  }
}

function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} seconds`;
  return minutes === 1 ? '1 minute' : `${Math.round(minutes)} minutes`;
}
