import { describe, expect, it } from 'vitest';
import { SnakeNamingStrategy, snakeCase } from './snake-naming.strategy.js';

describe('snakeCase', () => {
  it.each([
    ['createdAt', 'created_at'],
    ['FlowVersion', 'flow_version'],
    ['dncEntryID', 'dnc_entry_id'],
    ['HTTPRequest', 'http_request'],
    ['already_snake', 'already_snake'],
  ])('%s → %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });
});

describe('SnakeNamingStrategy', () => {
  const naming = new SnakeNamingStrategy();

  it('names tables after the entity class without its Entity suffix, unless told', () => {
    expect(naming.tableName('FlowVersionEntity', undefined)).toBe('flow_version');
    expect(naming.tableName('OrganizationEntity', 'organizations')).toBe('organizations');
  });

  it('snake-cases columns, embedded prefixes and join columns', () => {
    expect(naming.columnName('createdAt', undefined, [])).toBe('created_at');
    expect(naming.columnName('line1', undefined, ['billingAddress'])).toBe('billing_address_line1');
    expect(naming.joinColumnName('organization', 'id')).toBe('organization_id');
  });

  it('gives constraints readable names, hashed only past 63 characters', () => {
    expect(naming.primaryKeyName('organizations', ['id'])).toBe('pk_organizations');
    expect(naming.uniqueConstraintName('organizations', ['slug'])).toBe('uq_organizations_slug');
    expect(naming.foreignKeyName('calls', ['organization_id'])).toBe('fk_calls_organization_id');
    expect(naming.indexName('calls', ['status', 'created_at'])).toBe('idx_calls_created_at_status');
    const long = naming.indexName('a_table_with_a_rather_long_name', ['first_long_column', 'second_long_column']);
    expect(long).toMatch(/^IDX_[0-9a-f]{26}$/);
  });
});
