import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateMemberRequestSchema,
  CreateMemberResponseSchema,
  IdParamsSchema,
  MemberListQuerySchema,
  MemberPageSchema,
  MemberSchema,
  UpdateMemberRequestSchema,
  type CreateMemberRequest,
  type CreateMemberResponse,
  type Member,
  type Page,
  type PageQuery,
  type UpdateMemberRequest,
} from '@switchboard/contracts';
import { Authorize, CurrentPrincipal, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { MembersService } from './members.service.js';

@Controller('v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Authorize('members:read')
  @Route({
    summary: 'The members of the organisation, newest first',
    tags: ['members'],
    query: MemberListQuerySchema,
    responses: { 200: { description: 'a page of members', schema: MemberPageSchema } },
  })
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<Page<Member>> {
    return this.members.list(principal, query);
  }

  @Get(':id')
  @Authorize('members:read')
  @Route({
    summary: 'One member',
    tags: ['members'],
    params: IdParamsSchema,
    responses: { 200: { description: 'the member', schema: MemberSchema }, 404: { description: 'no such member' } },
  })
  get(@CurrentPrincipal() principal: Principal, @Param() params: { id: string }): Promise<Member> {
    return this.members.get(principal, params.id);
  }

  @Post()
  @Authorize('members:manage')
  @Route({
    summary: 'Add a member (a password is generated and shown once when none is given)',
    tags: ['members'],
    body: CreateMemberRequestSchema,
    responses: {
      201: { description: 'the member', schema: CreateMemberResponseSchema },
      409: { description: 'EMAIL_TAKEN: an account with this email exists' },
    },
  })
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateMemberRequest): Promise<CreateMemberResponse> {
    return this.members.create(principal, body);
  }

  @Patch(':id')
  @Authorize('members:manage')
  @Route({
    summary: "Change a member's roles or name",
    tags: ['members'],
    params: IdParamsSchema,
    body: UpdateMemberRequestSchema,
    responses: {
      200: { description: 'the member', schema: MemberSchema },
      404: { description: 'no such member' },
      409: { description: 'LAST_ADMIN: the organisation would be left without an admin' },
    },
  })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param() params: { id: string },
    @Body() body: UpdateMemberRequest,
  ): Promise<Member> {
    return this.members.update(principal, params.id, body);
  }

  @Delete(':id')
  @Authorize('members:manage')
  @HttpCode(204)
  @Route({
    summary: 'Remove a member (their sessions end)',
    tags: ['members'],
    params: IdParamsSchema,
    responses: {
      204: { description: 'removed' },
      404: { description: 'no such member' },
      409: { description: 'LAST_ADMIN: the last admin cannot be removed' },
    },
  })
  async remove(@CurrentPrincipal() principal: Principal, @Param() params: { id: string }): Promise<void> {
    await this.members.remove(principal, params.id);
  }
}
