import { describe, expect, it } from 'vitest';
import { ExpressionError, parseTemplate, renderTemplate, renderValue } from './index.js';

const NY = { timezone: 'America/New_York' };

describe('parseTemplate', () => {
  it('lists root names, leaving out loop and assigned names', () => {
    expect(parseTemplate('Hi {{ first_name }}, this is {{ meta.business }}.')).toEqual({
      ok: true,
      identifiers: ['first_name', 'meta'],
    });
    expect(parseTemplate('{{ appointment_at | date: "%A" }}')).toEqual({ ok: true, identifiers: ['appointment_at'] });
    expect(
      parseTemplate(
        '{% assign n = items | size %}{% for i in items %}{{ i.name }}{{ forloop.index }}{% endfor %}{{ n }}',
      ),
    ).toEqual({ ok: true, identifiers: ['items'] });
    expect(parseTemplate('{% if vip %}{{ secrets.token }}{% endif %}')).toEqual({
      ok: true,
      identifiers: ['vip', 'secrets'],
    });
    expect(parseTemplate('plain text')).toEqual({ ok: true, identifiers: [] });
  });

  it('reports syntax errors with a position', () => {
    expect(parseTemplate('Hi {{ first_name ')).toMatchObject({ ok: false, position: 3 });
    expect(parseTemplate('Hi {% if %}yes{% endif %}')).toMatchObject({ ok: false });
    expect(parseTemplate('{% endif %}')).toMatchObject({ ok: false });
  });

  it('accepts the speech filters phone and digits', () => {
    expect(parseTemplate('Call us at {{ meta.callbackNumber | phone }}.')).toEqual({ ok: true, identifiers: ['meta'] });
    expect(parseTemplate('{{ n | phone: "GB" | digits }}, code {{ code | digits }}')).toEqual({
      ok: true,
      identifiers: ['n', 'code'],
    });
  });

  it('refuses unknown filters and file tags', () => {
    expect(parseTemplate('{{ x | shout }}')).toMatchObject({ ok: false, message: expect.stringContaining('shout') });
    expect(parseTemplate('{% include "secrets.txt" %}')).toMatchObject({ ok: false });
    expect(parseTemplate('{% render "a" %}')).toMatchObject({ ok: false });
    expect(parseTemplate('{% layout "a" %}')).toMatchObject({ ok: false });
  });
});

describe('renderTemplate', () => {
  it('renders variables; undefined ones render as nothing', () => {
    expect(renderTemplate('Hi {{ first_name }}{{ last_name }}!', { first_name: 'Ana' })).toBe('Hi Ana!');
    expect(renderTemplate('{{ a.b.c }}|{{ n }}|{{ ok }}', { a: null, n: 1.5, ok: true })).toBe('|1.5|true');
  });

  it('resolves secrets from scope.secrets', () => {
    expect(renderTemplate('Bearer {{ secrets.crm_token }}', { secrets: { crm_token: 'abc' } })).toBe('Bearer abc');
  });

  it('does not expose prototype properties', () => {
    expect(renderTemplate('{{ x.constructor }}{{ x.__proto__ }}', { x: {} })).toBe('');
  });

  it('formats dates in the call time zone, DST-correct', () => {
    const scope = { summer: '2026-07-10T15:00:00Z', winter: '2026-01-10T15:00:00Z' };
    expect(renderTemplate('{{ summer | date: "%A at %-I %p" }}', scope, NY)).toBe('Friday at 11 AM');
    expect(renderTemplate('{{ winter | date: "%A at %-I %p %z" }}', scope, NY)).toBe('Saturday at 10 AM -0500');
    expect(renderTemplate('{{ summer | date: "%-I %p %Z" }}', scope, { timezone: 'Europe/Paris' })).toBe(
      '5 PM Europe/Paris',
    );
    // the night the clocks change: 2026-03-08 in New York
    expect(renderTemplate('{{ t | date: "%-I:%M %p" }}', { t: '2026-03-08T06:30:00Z' }, NY)).toBe('1:30 AM');
    expect(renderTemplate('{{ t | date: "%-I:%M %p" }}', { t: '2026-03-08T07:30:00Z' }, NY)).toBe('3:30 AM');
  });

  it('reads offsets in ISO strings', () => {
    expect(renderTemplate('{{ t | date: "%H:%M" }}', { t: '2026-03-10T15:00:00+01:00' }, NY)).toBe('10:00');
  });

  it('keeps captured calendar dates, times and offset-less datetimes on the wall clock', () => {
    expect(renderTemplate('{{ d | date: "%A %B %-d" }}', { d: '2026-03-10' }, NY)).toBe('Tuesday March 10');
    expect(renderTemplate('{{ d | date: "%A %B %-d" }}', { d: '2026-03-10' }, { timezone: 'Pacific/Auckland' })).toBe(
      'Tuesday March 10',
    );
    expect(renderTemplate('{{ t | date: "%-I:%M %p" }}', { t: '15:30' }, NY)).toBe('3:30 PM');
    expect(renderTemplate('{{ t | date: "%-I:%M %p %z" }}', { t: '2026-11-01T09:00' }, NY)).toBe('9:00 AM -0500');
  });

  it('uses the given clock for "now"', () => {
    const options = { timezone: 'Asia/Tokyo', now: '2026-03-10T20:00:00Z' };
    expect(renderTemplate('{{ "now" | date: "%Y-%m-%d %H:%M" }}', {}, options)).toBe('2026-03-11 05:00');
  });

  it('applies the zone to the other date filters', () => {
    expect(renderTemplate('{{ t | date_to_xmlschema }}', { t: '2026-07-10T15:00:00Z' }, NY)).toBe(
      '2026-07-10T11:00:00-04:00',
    );
    expect(renderTemplate('{{ t | date_to_string }}', { t: '2026-07-10T02:00:00Z' }, NY)).toBe('09 Jul 2026');
  });

  it('leaves a non-date as it is', () => {
    expect(renderTemplate('{{ t | date: "%A" }}', { t: 'soon' }, NY)).toBe('soon');
    expect(renderTemplate('[{{ t | date: "%A" }}]', {}, NY)).toBe('[]');
  });

  it('throws an ExpressionError for an invalid template', () => {
    expect(() => renderTemplate('{{ x | shout }}', { x: 1 })).toThrowError(ExpressionError);
  });

  it('is fast once parsed', () => {
    const tpl = 'Hi {{ first_name }}, your appointment is {{ at | date: "%A at %-I %p" }} with {{ meta.business }}.';
    const scope = { first_name: 'Ana', at: '2026-03-10T15:00:00Z', meta: { business: 'Bright Dental' } };
    const started = performance.now();
    for (let i = 0; i < 5_000; i++) renderTemplate(tpl, scope, NY);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('renderValue', () => {
  it('renders every string inside objects and arrays', () => {
    const scope = { slot: { id: 's1' }, n: 2, name: 'Ana', secrets: { tok: 'T' }, input: { when: 'Tue' } };
    const value = {
      slot: '{{ slot }}',
      list: ['x {{ n }}', '{{ n }}', 3, null, true],
      headers: { authorization: 'Bearer {{ secrets.tok }}' },
      when: '{{ input.when }}',
      missing: '{{ nope }}',
      nested: { deep: [{ name: 'Hi {{ name }}' }] },
    };
    expect(renderValue(value, scope)).toEqual({
      slot: { id: 's1' },
      list: ['x 2', 2, 3, null, true],
      headers: { authorization: 'Bearer T' },
      when: 'Tue',
      missing: null,
      nested: { deep: [{ name: 'Hi Ana' }] },
    });
  });

  it('renders a plain string template to a string', () => {
    expect(renderValue('{{ a }}-{{ b }}', { a: 1, b: 2 })).toBe('1-2');
    expect(renderValue(42, {})).toBe(42);
  });
});

describe('date filter details', () => {
  const at = { t: '2026-07-04T13:05:09.123Z' };
  it('supports the strftime codes and flags of liquidjs', () => {
    const r = (f: string) => renderTemplate(`{{ t | date: "${f}" }}`, at, NY);
    expect(r('%Y-%m-%d %H:%M:%S.%L')).toBe('2026-07-04 09:05:09.123');
    expect(r('%a %b %e %-d %j %u %w %y %C')).toBe('Sat Jul  4 4 185 6 6 26 20');
    expect(r('%I %l %-l %p %P %k')).toBe('09  9 9 AM am  9');
    expect(r('%^A %^b %10A|%-m/%-d')).toBe('SATURDAY JUL   Saturday|7/4');
    expect(r('%z %:z %Z %s %%Y %q %N %3N')).toBe('-0400 -04:00 America/New_York 1783170309 %Y th 123000000 123');
    expect(r('%U %W %x %X %c')).toBe('26 26 07/04/26 09:05:09 Sat Jul  4 09:05:09 2026');
    expect(renderTemplate('{{ t | date }}', at, NY)).toBe('Saturday, July 4, 2026 at 9:05 am -0400');
  });

  it('takes a zone argument', () => {
    expect(renderTemplate('{{ t | date: "%H:%M %Z", "Asia/Kolkata" }}', at, NY)).toBe('18:35 Asia/Kolkata');
    expect(renderTemplate('{{ t | date: "%H:%M %z", -60 }}', at, NY)).toBe('14:05 +0100');
  });

  it('reads Unix seconds and Date objects', () => {
    expect(renderTemplate('{{ t | date: "%Y-%m-%d" }}', { t: 0 }, NY)).toBe('1969-12-31');
    expect(renderTemplate('{{ t | date: "%H:%M" }}', { t: new Date('2026-01-01T12:00:00Z') }, NY)).toBe('07:00');
  });

  it('refuses an unknown time zone with an ExpressionError', () => {
    expect(() => renderTemplate('{{ t | date: "%H" }}', at, { timezone: 'Mars/Olympus' })).toThrowError(
      ExpressionError,
    );
  });

  it('does not depend on the host time zone', () => {
    // rendering the same instant gives the same text whatever process.env.TZ is; the
    // spring-forward gap in New York: 02:30 local does not exist and moves to 03:30
    expect(renderTemplate('{{ t | date: "%H:%M %z" }}', { t: '2026-03-08T02:30' }, NY)).toBe('03:30 -0400');
  });
});

describe('speech filters', () => {
  const phone = (n: unknown, arg = '') => renderTemplate(`{{ n | phone${arg} }}`, { n });
  const digits = (c: unknown) => renderTemplate('{{ c | digits }}', { c });

  it.each([
    ['+18005550142', '1-800-555-0142'],
    ['+12165550143', '1-216-555-0143'],
    ['+14155550134', '1-415-555-0134'],
    [' +1 (800) 555-0142 ', '1-800-555-0142'],
    ['+12165550143;ext=12', '1-216-555-0143 ext. 12'],
    ['+442079460958', '+44 20 7946 0958'],
    ['+33142685300', '+33 1 42 68 53 00'],
    ['+4930901820', '+49 30 901820'],
  ])('phone: %s → %s', (n, expected) => {
    expect(phone(n)).toBe(expected);
  });

  it('reads a national number in the region it is given', () => {
    expect(phone('020 7946 0958', ': "GB"')).toBe('+44 20 7946 0958');
    expect(phone('(415) 555-0134', ': "us"')).toBe('1-415-555-0134');
    expect(phone('+442079460958', ': "US"')).toBe('+44 20 7946 0958');
  });

  it.each([
    ['020 7946 0958', '020 7946 0958'],
    ['call us', 'call us'],
    ['+1800', '+1800'],
    ['', ''],
  ])('phone leaves what is no phone number as it is: %j', (n, expected) => {
    expect(phone(n)).toBe(expected);
    expect(phone(n, ': "ZZ"')).toBe(expected);
  });

  it('phone renders an unset value as nothing', () => {
    expect(renderTemplate('[{{ missing | phone }}]', {})).toBe('[]');
    expect(renderValue('{{ n | phone }}', { n: '+18005550142' })).toBe('1-800-555-0142');
  });

  it.each([
    ['0142', '0 1 4 2'],
    [142, '1 4 2'],
    ['10482', '1 0 4 8 2'],
    ['415-555-0134', '4 1 5, 5 5 5, 0 1 3 4'],
    ['(415) 555 0134', '4 1 5, 5 5 5, 0 1 3 4'],
    ['+18005550142', '1 8 0 0 5 5 5 0 1 4 2'],
    ['AB12', 'A B 1 2'],
    ['', ''],
    ['--', '--'],
  ])('digits: %j → %j', (c, expected) => {
    expect(digits(c)).toBe(expected);
  });

  it('chains: phone, then digits, spells a number in its groups', () => {
    expect(renderTemplate('{{ n | phone | digits }}', { n: '+18005550142' })).toBe('1, 8 0 0, 5 5 5, 0 1 4 2');
    expect(renderTemplate('[{{ missing | digits }}]', {})).toBe('[]');
  });
});
