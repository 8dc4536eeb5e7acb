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
    const big = 'x'.repeat(3 * 1024 * 1024);
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
});
