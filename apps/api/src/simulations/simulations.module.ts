import { Module } from '@nestjs/common';
import { LocalUnderstanding } from '@switchboard/flow';
import { FlowsModule } from '../flows/flows.module.js';
import { SimulationEngine } from './simulation-engine.js';
import { SimulationEventsBus } from './simulation-events.bus.js';
import { DEFAULT_SIMULATION_SETTINGS, SIMULATION_SETTINGS, type SimulationSettings } from './simulation-settings.js';
import { SimulationsController } from './simulations.controller.js';
import { SimulationsRepository } from './simulations.repository.js';
import { SIMULATION_ENGINE, SimulationsService } from './simulations.service.js';

/**
 * Text test calls of flows over HTTP (start, turns, state, SSE events), on `@switchboard/flow`'s
 * runtime and local understanding. State lives in Redis, so any replica serves any request.
 */
@Module({
  imports: [FlowsModule],
  controllers: [SimulationsController],
  providers: [
    { provide: SIMULATION_SETTINGS, useValue: DEFAULT_SIMULATION_SETTINGS },
    {
      provide: SIMULATION_ENGINE,
      inject: [SIMULATION_SETTINGS],
      useFactory: (settings: SimulationSettings) =>
        new SimulationEngine({ understanding: new LocalUnderstanding(), stallAfterMs: settings.turnTimeoutMs }),
    },
    SimulationsRepository,
    SimulationEventsBus,
    SimulationsService,
  ],
})
export class SimulationsModule {}
