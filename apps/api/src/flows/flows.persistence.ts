import { AddFlows1795264193041 } from '../database/migrations/1795264193041-add-flows.js';
import { FlowVersionEntity } from './flow-version.entity.js';
import { FlowEntity } from './flow.entity.js';

/** Entities and migrations of flows, drafts and versions. */
export const flowsEntities: Array<new (...args: never[]) => object> = [FlowEntity, FlowVersionEntity];
export const flowsMigrations: Array<new (...args: never[]) => object> = [AddFlows1795264193041];
