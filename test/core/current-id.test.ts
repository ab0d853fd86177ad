import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBackend, Rollout } from '@hanoi/core';

const FLOWS = 100;

async function setup() {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('even'); // listed: the even-numbered users only
  await rollout.register(
    'even',
    Array.from({ length: FLOWS / 2 }, (_, i) => `user-${2 * i}`),
  );
  return rollout;
}

/** What one flow sees of its own user, across timers, file I/O and microtasks. */
async function observe(rollout: Rollout, i: number): Promise<string[]> {
  const seen: string[] = [];
  const note = async () => seen.push(`${rollout.getCurrentId()}:${await rollout.isEnabled('even')}`);
  await note();
  await sleep((i * 7) % 13);
  await note();
  await readFile(__filename);
  await note();
  await new Promise<void>((resolve) => setImmediate(resolve));
  await Promise.resolve();
  await note();
  return seen;
}

const expected = (i: number) => Array(4).fill(`user-${i}:${i % 2 === 0}`);

describe('the current user is per async flow (SPEC: The current user)', () => {
  it('100 concurrent withCurrentId flows never see each other’s user', async () => {
    const rollout = await setup();
    const results = await Promise.all(
      Array.from({ length: FLOWS }, (_, i) => rollout.withCurrentId(`user-${i}`, () => observe(rollout, i))),
    );
    results.forEach((seen, i) => expect(seen).toEqual(expected(i)));
    expect(rollout.getCurrentId()).toBeUndefined();
  });

  it('100 concurrent flows that call setCurrentId never see each other’s user', async () => {
    const rollout = await setup();
    const flow = async (i: number) => {
      await Promise.resolve(); // start as a flow of its own
      rollout.setCurrentId(`user-${i}`);
      return observe(rollout, i);
    };
    const results = await Promise.all(Array.from({ length: FLOWS }, (_, i) => flow(i)));
    results.forEach((seen, i) => expect(seen).toEqual(expected(i)));
    expect(rollout.getCurrentId()).toBeUndefined();
  });

  it('setCurrentId reaches what the flow starts, and a number id is its string', async () => {
    const rollout = await setup();
    const result = await rollout.withCurrentId(undefined, async () => {
      rollout.setCurrentId(42);
      const child = new Promise<string | undefined>((resolve) => setTimeout(() => resolve(rollout.getCurrentId()), 1));
      return [rollout.getCurrentId(), await child];
    });
    expect(result).toEqual(['42', '42']);
    expect(rollout.getCurrentId()).toBeUndefined();
  });

  it('nothing leaks out of withCurrentId, sync or async, returned or thrown', async () => {
    const rollout = await setup();
    expect(rollout.withCurrentId('sync', () => rollout.getCurrentId())).toBe('sync');
    expect(rollout.getCurrentId()).toBeUndefined();
    await rollout.withCurrentId('async', async () => {
      await sleep(1);
      rollout.setCurrentId('changed-inside');
    });
    expect(rollout.getCurrentId()).toBeUndefined();
    expect(() =>
      rollout.withCurrentId('throws', () => {
        throw new Error('x');
      }),
    ).toThrow('x');
    expect(rollout.getCurrentId()).toBeUndefined();
    await expect(rollout.withCurrentId('rejects', async () => Promise.reject(new Error('y')))).rejects.toThrow('y');
    expect(rollout.getCurrentId()).toBeUndefined();
  });

  it('an inner withCurrentId shadows the outer one only inside', async () => {
    const rollout = await setup();
    const seen = await rollout.withCurrentId('outer', async () => {
      const inner = await rollout.withCurrentId('inner', async () => {
        await sleep(1);
        return rollout.getCurrentId();
      });
      return [inner, rollout.getCurrentId()];
    });
    expect(seen).toEqual(['inner', 'outer']);
  });

  it('withCurrentId(undefined) runs with no user', async () => {
    const rollout = await setup();
    await rollout.withCurrentId('someone', async () => {
      expect(rollout.withCurrentId(undefined, () => rollout.getCurrentId())).toBeUndefined();
    });
  });
});
