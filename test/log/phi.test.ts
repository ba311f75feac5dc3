import { inspect, format } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, phi } from '../../src/log/index.js';

describe('Phi', () => {
  it('never turns into its value by any ordinary conversion', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 3 }), (secret) => {
        fc.pre(!'[redacted]'.includes(secret));
        const wrapped = phi(secret);
        const renderings = [
          JSON.stringify(wrapped),
          JSON.stringify({ nested: { wrapped } }),
          String(wrapped),
          // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the conversion under test
          `${wrapped}`,
          inspect(wrapped),
          inspect({ deep: [wrapped] }, { depth: 10 }),
          format('%s %o %O %j', wrapped, wrapped, wrapped, wrapped),
          JSON.stringify({ ...wrapped }),
          Object.keys(wrapped).join(),
        ];
        for (const text of renderings) expect(text).not.toContain(secret);
        expect(wrapped.reveal()).toBe(secret);
      }),
    );
  });
});

describe('logger', () => {
  const capture = (): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({
      level: 'debug',
      sink: (line) => lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    return { lines, logger };
  };

  it('writes one JSON line per call with level, message and fields, Phi fields redacted', () => {
    const { lines, logger } = capture();
    logger.child({ role: 'ambulance' }).warn('card read', { apdus: 7, serial: phi('10AB') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      msg: 'card read',
      role: 'ambulance',
      apdus: 7,
      serial: '[redacted]',
    });
  });

  it('serialises errors with their code and message', () => {
    const { lines, logger } = capture();
    const error = Object.assign(new Error('upstream timed out'), { code: 'TIMEOUT' });
    logger.error('records failed', { error });
    expect(lines[0]?.['error']).toMatchObject({
      type: 'Error',
      message: 'upstream timed out',
      code: 'TIMEOUT',
    });
  });

  it('respects the level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', sink: (line) => lines.push(line) });
    logger.info('quiet');
    logger.debug('quieter');
    logger.error('loud');
    expect(lines).toHaveLength(1);
  });
});
