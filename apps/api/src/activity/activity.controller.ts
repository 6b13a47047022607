import { Controller, Get, Query } from '@nestjs/common';
import {
  ActivityPageSchema,
  ActivityQuerySchema,
  type Activity,
  type ActivityQuery,
  type Page,
} from '@switchboard/contracts';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { ActivityService } from './activity.service.js';

@Controller('v1/activity')
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get()
  @Authorize('activity:read')
  @Route({
    summary: 'The activity log of the organisation, newest first',
    description: 'Filter by `subjectType` (flow, member, api_key, …) and `subjectId`.',
    tags: ['activity'],
    query: ActivityQuerySchema,
    responses: { 200: { description: 'a page of entries', schema: ActivityPageSchema } },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ActivityQuery): Promise<Page<Activity>> {
    return this.activity.list(principal.organizationId, query);
  }
}
