import { ROLE_NAMES, RoleSchema } from '@switchboard/contracts';
import { describe, expect, it } from 'vitest';
import { allows, PERMISSIONS, ROLES, type Permission, type Role } from '../common/auth/principal.js';

const permissions = Object.keys(PERMISSIONS) as Permission[];
const granted = (role: Role) => permissions.filter((permission) => allows([role], permission));

describe('the permission table', () => {
  it('names only known roles, each permission at least one', () => {
    for (const permission of permissions) {
      expect(PERMISSIONS[permission].length, permission).toBeGreaterThan(0);
      for (const role of PERMISSIONS[permission]) expect(ROLES).toContain(role);
    }
  });

  it('names permissions as <area>:<verb>', () => {
    for (const permission of permissions) expect(permission).toMatch(/^[a-z]+:[a-z]+$/);
  });

  it('gives admin every permission', () => {
    expect(granted('admin')).toEqual(permissions);
  });

  it('gives viewer reading only', () => {
    expect(granted('viewer').every((permission) => permission.endsWith(':read'))).toBe(true);
    expect(granted('viewer')).toEqual(['flows:read', 'calls:read', 'campaigns:read']);
  });

  it('keeps members, API keys and the activity log to admins (and the log to compliance)', () => {
    for (const role of ROLES.filter((role) => role !== 'admin')) {
      expect(allows([role], 'members:read')).toBe(false);
      expect(allows([role], 'members:manage')).toBe(false);
      expect(allows([role], 'keys:manage')).toBe(false);
    }
    expect(ROLES.filter((role) => allows([role], 'activity:read'))).toEqual(['admin', 'compliance']);
  });

  it('matches design/API.md: designers write flows, operators run calls and campaigns, compliance reads evidence', () => {
    expect(granted('designer')).toEqual([
      'flows:read',
      'flows:write',
      'flows:publish',
      'flows:delete',
      'simulations:run',
    ]);
    expect(granted('operator')).toEqual(
      expect.arrayContaining(['calls:write', 'campaigns:write', 'compliance:write', 'webhooks:manage']),
    );
    expect(granted('operator')).not.toContain('flows:write');
    expect(granted('compliance')).toEqual(
      expect.arrayContaining(['compliance:read', 'activity:read', 'calls:read', 'campaigns:read']),
    );
    expect(granted('compliance').some((permission) => /:(write|publish|delete|manage|run)$/.test(permission))).toBe(
      false,
    );
  });

  it('grants several roles the union of their permissions, and no role nothing', () => {
    for (const permission of permissions) {
      expect(allows(['designer', 'compliance'], permission)).toBe(
        allows(['designer'], permission) || allows(['compliance'], permission),
      );
      expect(allows([], permission)).toBe(false);
    }
  });

  it('uses the role names of the contracts package', () => {
    expect([...ROLE_NAMES]).toEqual([...ROLES]);
    for (const role of ROLES) expect(RoleSchema.parse(role)).toBe(role);
  });
});
