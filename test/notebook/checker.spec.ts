import { SecretMountsAPIError } from '../../src/api';
import { LeakChecker } from '../../src/notebook/checker';
import { ILeakCheckRequest } from '../../src/mounts/types';

describe('LeakChecker', () => {
  it('sends concurrent checks in one request and hands each caller its own matches', async () => {
    const bodies: ILeakCheckRequest[] = [];
    const checker = new LeakChecker({
      request: async body => {
        bodies.push(body);
        return {
          matches: body.texts
            .filter(t => t.text.includes('XYZ'))
            .map(t => ({
              id: t.id,
              start: t.text.indexOf('XYZ'),
              end: t.text.indexOf('XYZ') + 3,
              mount: '/secrets/a',
              key: 'k',
              encoding: 'raw' as const
            }))
        };
      }
    });
    const [first, second] = await Promise.all([
      checker.check([{ id: 'same', text: 'no match' }]),
      checker.check([
        { id: 'same', text: '..XYZ' },
        { id: 'empty', text: '' }
      ])
    ]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0].texts).toHaveLength(2); // empty texts are not sent
    expect(first).toEqual([]);
    expect(second).toEqual([
      {
        id: 'same',
        start: 2,
        end: 5,
        mount: '/secrets/a',
        key: 'k',
        encoding: 'raw'
      }
    ]);
  });

  it('splits a batch too large for one request', async () => {
    const sizes: number[] = [];
    const checker = new LeakChecker({
      request: async body => {
        sizes.push(body.texts.length);
        return { matches: [] };
      }
    });
    const big = 'x'.repeat(600_000); // two of them exceed one request
    await checker.check([
      { id: 'a', text: big },
      { id: 'b', text: big },
      { id: 'c', text: 'small' }
    ]);
    expect(sizes).toEqual([1, 2]);
  });

  it('answers "no matches" when the server fails, and stops asking after a 404', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    let status = 500;
    const checker = new LeakChecker({
      request: async () => {
        calls++;
        throw new SecretMountsAPIError('failed', status);
      },
      onError: error => errors.push(error)
    });
    await expect(checker.check([{ id: 'a', text: 'x' }])).resolves.toEqual([]);
    expect(checker.available).toBe(true);
    status = 404;
    await expect(checker.check([{ id: 'a', text: 'x' }])).resolves.toEqual([]);
    expect(checker.available).toBe(false);
    await checker.check([{ id: 'a', text: 'x' }]);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(2);
  });

  it('stops asking after a 403: only users who may run code may check', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const checker = new LeakChecker({
      request: async () => {
        calls++;
        throw new SecretMountsAPIError('needs permission to run code', 403);
      },
      onError: error => errors.push(error)
    });
    await expect(checker.check([{ id: 'a', text: 'x' }])).resolves.toEqual([]);
    await checker.check([{ id: 'a', text: 'x' }]);
    expect(checker.available).toBe(false);
    expect(calls).toBe(1);
    expect((errors[0] as SecretMountsAPIError).status).toBe(403);
  });

  it('waits as long as a 429 says, then asks again', async () => {
    jest.useFakeTimers();
    try {
      const calls: number[] = [];
      const checker = new LeakChecker({
        request: async () => {
          calls.push(Date.now());
          if (calls.length === 1) {
            throw new SecretMountsAPIError('over budget', 429, 2);
          }
          return {
            matches: [
              {
                id: '0\u0000a',
                start: 0,
                end: 1,
                mount: '/s',
                key: 'k',
                encoding: 'raw'
              }
            ]
          };
        }
      });
      const result = checker.check([{ id: 'a', text: 'x' }]);
      await jest.advanceTimersByTimeAsync(1999);
      expect(calls).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(await result).toHaveLength(1);
      expect(calls).toHaveLength(2);
      expect(checker.available).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
