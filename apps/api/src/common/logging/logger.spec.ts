import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines, text };
}

describe('createLogger', () => {
  it('writes JSON lines with phone numbers masked in the message, the fields and the bindings', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.stream });
    logger
      .child({ callee: '+15551230123' })
      .info({ to: '(212) 555-0199', nested: { from: '5551230123' } }, 'dialling 212-555-0199');

    const [line] = out.lines();
    expect(line).toMatchObject({
      level: 30,
      name: 'api',
      callee: '+1******0123',
      to: '+1******0199',
      nested: { from: '+1******0123' },
      msg: 'dialling +1******0199',
    });
    expect(out.text()).not.toMatch(/5551230123|555-0199/);
  });

  it('masks numbers in a logged error', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.stream }).error(
      { err: new Error('no answer from +15551230123') },
      'failed',
    );
    expect(out.lines()[0]).toMatchObject({ err: { message: 'no answer from +1******0123' } });
  });

  it('redacts credentials in serialized requests', () => {
    const out = capture();
    createLogger({ level: 'info', destination: out.stream }).info({
      req: { headers: { authorization: 'Bearer sk_live_secret', cookie: 'session=abc', accept: '*/*' } },
    });
    expect(out.lines()[0]).toMatchObject({
      req: { headers: { authorization: '[redacted]', cookie: '[redacted]', accept: '*/*' } },
    });
  });

  it('writes nothing below its level', () => {
    const out = capture();
    createLogger({ level: 'warn', destination: out.stream }).info('hidden');
    expect(out.text()).toBe('');
  });
});
