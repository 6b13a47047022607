import { describe, expect, it } from 'vitest';
import { formatInstant, monthsBefore } from './dated.js';

describe('monthsBefore (EBR months are calendar months, in UTC)', () => {
  it.each([
    ['2026-03-10T15:00:00.000Z', 18, '2024-09-10T15:00:00.000Z'],
    ['2026-03-10T15:00:00.000Z', 3, '2025-12-10T15:00:00.000Z'],
    ['2026-08-31T10:00:00.000Z', 18, '2025-02-28T10:00:00.000Z'],
    ['2024-08-31T00:00:00.000Z', 6, '2024-02-29T00:00:00.000Z'],
    ['2026-05-31T23:59:59.999Z', 3, '2026-02-28T23:59:59.999Z'],
    ['2026-01-15T00:00:00.000Z', 13, '2024-12-15T00:00:00.000Z'],
  ])('%s − %i months = %s', (at, months, expected) => {
    expect(new Date(monthsBefore(Date.parse(at), months)).toISOString()).toBe(expected);
  });
});

describe('formatInstant', () => {
  it('drops zero milliseconds only', () => {
    expect(formatInstant(Date.parse('2026-03-10T13:00:00Z'))).toBe('2026-03-10T13:00:00Z');
    expect(formatInstant(Date.parse('2026-03-10T13:00:00.250Z'))).toBe('2026-03-10T13:00:00.250Z');
  });
});
