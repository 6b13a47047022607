import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  LoginRequestSchema,
  LoginResponseSchema,
  MeResponseSchema,
  type LoginRequest,
  type LoginResponse,
  type MeResponse,
} from '@switchboard/contracts';
import type { Request } from 'express';
import { CurrentPrincipal, Public, type Principal } from '../common/auth/principal.js';
import { Route } from '../common/validation/route-spec.js';
import { bearerTokenOf } from './auth.guard.js';
import { AuthService } from './auth.service.js';

@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @Route({
    summary: 'Log in with email and password',
    description: 'Answers a session token (`sess_…`) to send as `Authorization: Bearer <token>` until it expires.',
    tags: ['auth'],
    body: LoginRequestSchema,
    responses: {
      200: { description: 'the session', schema: LoginResponseSchema },
      401: { description: 'wrong email or password (the same answer for both)' },
    },
  })
  login(@Body() body: LoginRequest): Promise<LoginResponse> {
    return this.auth.login(body);
  }

  @Post('logout')
  @HttpCode(204)
  @Route({
    summary: 'End the current session',
    tags: ['auth'],
    responses: { 204: { description: 'the session token no longer works' } },
  })
  async logout(@CurrentPrincipal() principal: Principal, @Req() req: Request): Promise<void> {
    await this.auth.logout(principal, bearerTokenOf(req));
  }

  @Get('me')
  @Route({
    summary: 'Who is calling: principal, permissions, organisation',
    tags: ['auth'],
    responses: { 200: { description: 'the caller', schema: MeResponseSchema } },
  })
  me(@CurrentPrincipal() principal: Principal): Promise<MeResponse> {
    return this.auth.me(principal);
  }
}
