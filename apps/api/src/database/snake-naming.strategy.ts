import { DefaultNamingStrategy, type NamingStrategyInterface, type Table, type View } from 'typeorm';

/** `createdAt` → `created_at`, `FlowVersion` → `flow_version`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s.-]+/g, '_')
    .toLowerCase();
}

const POSTGRES_MAX_IDENTIFIER = 63;

/**
 * snake_case tables and columns, and constraint names a person can read in an error message
 * (`uq_organizations_slug` rather than `UQ_4b3a…`). Names past Postgres' 63-byte limit fall
 * back to TypeORM's hashed ones.
 */
export class SnakeNamingStrategy extends DefaultNamingStrategy implements NamingStrategyInterface {
  override tableName(targetName: string, userSpecifiedName: string | undefined): string {
    return userSpecifiedName ?? snakeCase(targetName.replace(/Entity$/, ''));
  }

  override columnName(propertyName: string, customName: string | undefined, embeddedPrefixes: string[]): string {
    return snakeCase([...embeddedPrefixes, customName ?? propertyName].join('_'));
  }

  override relationName(propertyName: string): string {
    return snakeCase(propertyName);
  }

  override joinColumnName(relationName: string, referencedColumnName: string): string {
    return snakeCase(`${relationName}_${referencedColumnName}`);
  }

  override joinTableName(first: string, second: string, firstProperty: string): string {
    return snakeCase(`${first}_${firstProperty.replaceAll('.', '_')}_${second}`);
  }

  override joinTableColumnName(tableName: string, propertyName: string, columnName?: string): string {
    return snakeCase(`${tableName}_${columnName ?? propertyName}`);
  }

  override primaryKeyName(table: Table | string, columns: string[]): string {
    return this.readable('pk', table, [], () => super.primaryKeyName(table, columns));
  }

  override uniqueConstraintName(table: Table | string, columns: string[]): string {
    return this.readable('uq', table, columns, () => super.uniqueConstraintName(table, columns));
  }

  override foreignKeyName(
    table: Table | string,
    columns: string[],
    referencedTablePath?: string,
    referencedColumns?: string[],
  ): string {
    return this.readable('fk', table, columns, () =>
      super.foreignKeyName(table, columns, referencedTablePath, referencedColumns),
    );
  }

  override indexName(table: Table | View | string, columns: string[], where?: string): string {
    // A partial index needs its condition in the name to stay unique: keep the hash then.
    // TypeORM's own signature says Table | string, but it only ever reads `.name`, which views have too.
    const tableOrView = table as Table | string;
    if (where) return super.indexName(tableOrView, columns, where);
    return this.readable('idx', tableOrView, columns, () => super.indexName(tableOrView, columns));
  }

  private readable(prefix: string, table: Table | string, columns: string[], fallback: () => string): string {
    const name = [prefix, this.getTableName(table), ...[...columns].sort()].join('_');
    return name.length <= POSTGRES_MAX_IDENTIFIER ? name : fallback();
  }
}
