import { Deadlines, withDeadline } from '@hanoi/core/internal';

// The shared deadlines behind store calls and lookups: an expiry runs no
// earlier than its deadline, once, and never after it was cancelled; the
// order of expiries follows the deadlines, not the order they were added.
describe('Deadlines', () => {
  it('expires a deadline once, not before its time', async () => {
    const deadlines = new Deadlines();
    const start = Date.now();
    const fired: number[] = [];
    deadlines.add(30, () => fired.push(Date.now() - start));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(30);
    expect(deadlines.size).toBe(0);
  });

  it('never expires a cancelled deadline, and keeps the others', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    const cancel = deadlines.add(20, () => fired.push('cancelled'));
    deadlines.add(40, () => fired.push('kept'));
    cancel();
    cancel();
    expect(deadlines.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 90));
    expect(fired).toEqual(['kept']);
  });

  it('expires in the order of the deadlines, an earlier one added later first', async () => {
    const deadlines = new Deadlines();
    const fired: string[] = [];
    deadlines.add(60, () => fired.push('60'));
    deadlines.add(200, () => fired.push('200'));
    deadlines.add(10, () => fired.push('10'));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(fired).toEqual(['10', '60']);
    await new Promise((resolve) => setTimeout(resolve, 130));
    expect(fired).toEqual(['10', '60', '200']);
  });
});

describe('withDeadline', () => {
  it('settles as the promise does when it settles in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 50, () => new Error('late'))).resolves.toBe(7);
    await expect(withDeadline(Promise.reject(new Error('no')), 50, () => new Error('late'))).rejects.toThrow('no');
  });

  it('rejects with the timeout error, and swallows a later rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail!: (err: Error) => void;
      const slow = new Promise<number>((_, reject) => (fail = reject));
      await expect(withDeadline(slow, 20, () => new Error('late'))).rejects.toThrow('late');
      fail(new Error('after the deadline'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
