import { describe, expect, it } from 'vitest';
import { joinRoutePath, toOpenApiPaths } from './route-path.js';

describe('joinRoutePath', () => {
  it('joins a controller path and a method path the way Nest does', () => {
    expect(joinRoutePath('v1/flows', ':id')).toBe('/v1/flows/:id');
    expect(joinRoutePath('/v1/flows/', '/')).toBe('/v1/flows');
    expect(joinRoutePath('/', 'docs-json')).toBe('/docs-json');
    expect(joinRoutePath('/', '/')).toBe('/');
    expect(joinRoutePath('health', '')).toBe('/health');
  });
});

describe('toOpenApiPaths', () => {
  it('turns :params into {params}', () => {
    expect(toOpenApiPaths('/v1/flows/:id/versions/:a/diff/:b')).toEqual([
      { path: '/v1/flows/{id}/versions/{a}/diff/{b}', params: ['id', 'a', 'b'] },
    ]);
  });

  it('leaves a path without parameters alone', () => {
    expect(toOpenApiPaths('/v1/flows/import')).toEqual([{ path: '/v1/flows/import', params: [] }]);
    expect(toOpenApiPaths('/')).toEqual([{ path: '/', params: [] }]);
  });

  it('documents an optional group once without and once with it', () => {
    expect(toOpenApiPaths('/v1/flows/:id/versions{/:n}')).toEqual([
      { path: '/v1/flows/{id}/versions', params: ['id'] },
      { path: '/v1/flows/{id}/versions/{n}', params: ['id', 'n'] },
    ]);
  });

  it('reads wildcards, quoted names and escaped characters', () => {
    expect(toOpenApiPaths('/files/*path')).toEqual([{ path: '/files/{path}', params: ['path'] }]);
    expect(toOpenApiPaths('/x/:"weird-name"')).toEqual([{ path: '/x/{weird-name}', params: ['weird-name'] }]);
    expect(toOpenApiPaths('/a\\:b/:id')).toEqual([{ path: '/a:b/{id}', params: ['id'] }]);
  });

  it('refuses paths Express would refuse too', () => {
    expect(() => toOpenApiPaths('/x/:')).toThrow(/parameter without a name/);
    expect(() => toOpenApiPaths('/x{/:id')).toThrow(/unclosed/);
  });
});
