import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { parseLoadValue, producerEnv, resolveLoad } from './load-settings.ts';

describe('producer load settings', () => {
  it('the run over the fixture over 40/s on 4 VUs', () => {
    expect(resolveLoad(undefined, undefined)).toEqual({ rate: 40, vus: 4, maxVus: 16 });
    expect(resolveLoad(undefined, { rate: 500, vus: 8 })).toEqual({ rate: 500, vus: 8, maxVus: 32 });
    expect(resolveLoad({ rate: 2000 }, { rate: 500, vus: 8 })).toEqual({ rate: 2000, vus: 8, maxVus: 32 });
    expect(producerEnv(resolveLoad({ rate: 2000, vus: 64 }, undefined))).toEqual({ RATE: '2000', VUS: '64', MAX_VUS: '256' });
  });

  it('bad values are one line of cause and fix', () => {
    for (const v of ['0', '-3', '2.5', 'fast', '100001']) expect(() => parseLoadValue('rate', v, '--load-rate')).toThrow(InputError);
    expect(() => parseLoadValue('vus', 'x', '--load-vus')).toThrow('--load-vus "x" is not a whole number from 1 to 2000');
    expect(() => resolveLoad(undefined, { rate: 'lots' })).toThrow('app.kafka.load.rate "lots"');
    expect(parseLoadValue('rate', ' 300 ', '--load-rate')).toBe(300);
    try {
      parseLoadValue('batch', 20_000, 'app.kafka.load.batch');
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).message).toBe('app.kafka.load.batch 20000 is not a whole number from 1 to 10000');
      expect((e as InputError).fix).toBe('give the messages per k6 send of the throughput suite, e.g. app.kafka.load.batch 500');
    }
  });
});
