import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type {
  CreateMemberRequest,
  CreateMemberResponse,
  Member,
  Page,
  PageQuery,
  UpdateMemberRequest,
} from '@switchboard/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { actorOf, ActivityService, type Actor } from '../activity/activity.service.js';
import type { Principal, Role } from '../common/auth/principal.js';
import { decodeCursor, toPage } from '../common/pagination/cursor.js';
import { AuthError } from './auth.errors.js';
import { Credentials } from './credentials.js';
import { PasswordHasher } from './password-hasher.js';
import type { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { toMember } from './views.js';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown }).code === UNIQUE_VIOLATION;
}

/** The people of an organisation and their roles. An organisation always keeps one admin. */
@Injectable()
export class MembersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordHasher,
    private readonly credentials: Credentials,
    private readonly activity: ActivityService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async list(principal: Principal, query: PageQuery): Promise<Page<Member>> {
    const rows = await this.users.listPage(principal.organizationId, query.limit, decodeCursor(query.cursor));
    return toPage(rows, query.limit, toMember);
  }

  async get(principal: Principal, id: string): Promise<Member> {
    const user = await this.users.findInOrganization(principal.organizationId, id);
    if (!user) throw AuthError.memberNotFound(id);
    return toMember(user);
  }

  async create(principal: Principal, request: CreateMemberRequest): Promise<CreateMemberResponse> {
    const password = request.password ?? this.credentials.newPassword();
    const passwordHash = await this.passwords.hash(password);
    const user = await this.dataSource.transaction((manager) =>
      this.add(
        {
          organizationId: principal.organizationId,
          email: request.email,
          name: request.name ?? null,
          roles: request.roles,
          passwordHash,
          actor: actorOf(principal),
        },
        manager,
      ),
    );
    return request.password === undefined
      ? { member: toMember(user), initialPassword: password }
      : { member: toMember(user) };
  }

  /** Adds a user inside the caller's transaction (also used to bootstrap an organisation). */
  async add(
    values: {
      organizationId: string;
      email: string;
      name: string | null;
      roles: Role[];
      passwordHash: string;
      actor: Actor;
    },
    manager: EntityManager,
  ): Promise<UserEntity> {
    if (await this.users.emailExists(values.email, manager)) throw AuthError.emailTaken(values.email);
    let user: UserEntity;
    try {
      user = await this.users.create(
        {
          organizationId: values.organizationId,
          email: values.email,
          name: values.name,
          roles: values.roles,
          passwordHash: values.passwordHash,
        },
        manager,
      );
    } catch (error) {
      // two sign-ups of one email at the same moment: the unique constraint decides
      if (isUniqueViolation(error)) throw AuthError.emailTaken(values.email);
      throw error;
    }
    await this.activity.record(
      {
        organizationId: values.organizationId,
        actor: values.actor,
        action: 'member.added',
        subjectType: 'member',
        subjectId: user.id,
        details: { email: user.email, roles: user.roles },
      },
      manager,
    );
    return user;
  }

  async update(principal: Principal, id: string, request: UpdateMemberRequest): Promise<Member> {
    return this.dataSource.transaction(async (manager) => {
      const admins = await this.users.lockAdmins(principal.organizationId, manager);
      const user = await this.users.findInOrganization(principal.organizationId, id, manager);
      if (!user) throw AuthError.memberNotFound(id);
      const changes: { roles?: Role[]; name?: string | null } = {};
      if (request.roles !== undefined) {
        const losesAdmin = user.roles.includes('admin') && !request.roles.includes('admin');
        if (losesAdmin && admins.filter((adminId) => adminId !== id).length === 0) throw AuthError.lastAdmin();
        changes.roles = request.roles;
      }
      if (request.name !== undefined) changes.name = request.name;
      await this.users.update(principal.organizationId, id, changes, manager);
      if (changes.roles && !sameRoles(user.roles, changes.roles)) {
        await this.activity.record(
          {
            organizationId: principal.organizationId,
            actor: actorOf(principal),
            action: 'member.roles_changed',
            subjectType: 'member',
            subjectId: id,
            details: { email: user.email, from: user.roles, to: changes.roles },
          },
          manager,
        );
      }
      const updated = await this.users.findInOrganization(principal.organizationId, id, manager);
      if (!updated) throw AuthError.memberNotFound(id);
      return toMember(updated);
    });
  }

  /** Removes a member and ends their sessions; never the last admin. */
  async remove(principal: Principal, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const admins = await this.users.lockAdmins(principal.organizationId, manager);
      const user = await this.users.findInOrganization(principal.organizationId, id, manager);
      if (!user) throw AuthError.memberNotFound(id);
      if (user.roles.includes('admin') && admins.filter((adminId) => adminId !== id).length === 0) {
        throw AuthError.lastAdmin();
      }
      await this.users.delete(principal.organizationId, id, manager);
      await this.activity.record(
        {
          organizationId: principal.organizationId,
          actor: actorOf(principal),
          action: 'member.removed',
          subjectType: 'member',
          subjectId: id,
          details: { email: user.email, roles: user.roles },
        },
        manager,
      );
    });
  }
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}
