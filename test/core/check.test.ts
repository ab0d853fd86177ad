import {
  FeatureDisabledError,
  FeatureNotFoundError,
  InvalidArgumentError,
  MemoryBackend,
  MissingUserError,
  Rollout,
} from '@hanoi/core';

async function setup() {
  const rollout = new Rollout(new MemoryBackend());
  await rollout.addFunc('cdc_on');
  await rollout.register('cdc_on', ['allowed', '42']);
  return rollout;
}

describe('rollout.check(name, position?) (SPEC: Guards)', () => {
  it('reads the user from the argument at a position counted from 1, as in Python hanoi', async () => {
    const rollout = await setup();
    const fn = jest.fn(async (parameter: string, user: string) => `${parameter}:${user}`);
    const guarded = rollout.check('cdc_on', 2)(fn);
    await expect(guarded('foo', 'allowed')).resolves.toBe('foo:allowed');
    await expect(guarded('allowed', 'someone')).rejects.toBeInstanceOf(FeatureDisabledError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('position 1 is the first argument; a number argument is a user id', async () => {
    const rollout = await setup();
    const guarded = rollout.check('cdc_on', 1)((user: number) => user + 1);
    await expect(guarded(42)).resolves.toBe(43);
  });

  it('reads the user from a function of the arguments', async () => {
    const rollout = await setup();
    const fn = jest.fn((req: { user: { id: string } }) => req.user.id);
    const guarded = rollout.check('cdc_on', (req: { user: { id: string } }) => req.user.id)(fn);
    await expect(guarded({ user: { id: 'allowed' } })).resolves.toBe('allowed');
    await expect(guarded({ user: { id: 'other' } })).rejects.toBeInstanceOf(FeatureDisabledError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('without a position, checks the current user', async () => {
    const rollout = await setup();
    const fn = jest.fn(() => 'ran');
    const guarded = rollout.check('cdc_on')(fn);
    await expect(rollout.withCurrentId('allowed', () => guarded())).resolves.toBe('ran');
    await expect(rollout.withCurrentId('other', () => guarded())).rejects.toBeInstanceOf(FeatureDisabledError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('denied: FeatureDisabledError naming feature and user, and the function is not called', async () => {
    const rollout = await setup();
    const fn = jest.fn();
    const error = await rollout
      .check(
        'cdc_on',
        1,
      )(fn)('stranger')
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FeatureDisabledError);
    expect(error).toMatchObject({ code: 'HANOI_FEATURE_DISABLED', feature: 'cdc_on', userId: 'stranger' });
    expect(fn).not.toHaveBeenCalled();
  });

  it('a disabled feature denies even listed users', async () => {
    const rollout = await setup();
    await rollout.disable('cdc_on');
    const fn = jest.fn();
    await expect(rollout.check('cdc_on', 1)(fn)('allowed')).rejects.toBeInstanceOf(FeatureDisabledError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('unknown feature: FeatureNotFoundError, the function is not called', async () => {
    const rollout = await setup();
    const fn = jest.fn();
    const error = await rollout
      .check(
        'nope',
        1,
      )(fn)('allowed')
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(FeatureNotFoundError);
    expect(error).toMatchObject({ code: 'HANOI_FEATURE_NOT_FOUND', feature: 'nope' });
    expect(fn).not.toHaveBeenCalled();
  });

  it('no user to check: MissingUserError, the function is not called', async () => {
    const rollout = await setup();
    const fn = jest.fn();
    await expect(rollout.check('cdc_on')(fn)()).rejects.toBeInstanceOf(MissingUserError);
    await expect(rollout.check('cdc_on', 2)(fn)('only-one')).rejects.toMatchObject({ code: 'HANOI_MISSING_USER' });
    await expect(rollout.check('cdc_on', () => undefined)(fn)()).rejects.toBeInstanceOf(MissingUserError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('passes this and every argument through, and returns a Promise of the result', async () => {
    const rollout = await setup();
    function run(this: { prefix: string }, user: string, a: number, b: number) {
      return `${this.prefix}${user}:${a + b}`;
    }
    const target = { prefix: '>', run: rollout.check('cdc_on', 1)(run) };
    const result = target.run('allowed', 2, 3);
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe('>allowed:5');
  });

  it('a rejection of the function comes through as is', async () => {
    const rollout = await setup();
    const boom = new Error('boom');
    await expect(rollout.check('cdc_on', 1)(async (_user: string) => Promise.reject(boom))('allowed')).rejects.toBe(
      boom,
    );
  });

  it('checks at call time, so a change after wrapping counts', async () => {
    const rollout = await setup();
    const guarded = rollout.check('cdc_on', 1)((_user: string) => 'ran');
    await expect(guarded('late')).rejects.toBeInstanceOf(FeatureDisabledError);
    await rollout.register('cdc_on', 'late');
    await expect(guarded('late')).resolves.toBe('ran');
  });

  it.each([0, -1, 1.5, NaN])('position %p is an InvalidArgumentError at once', async (position) => {
    const rollout = await setup();
    expect(() => rollout.check('cdc_on', position)).toThrow(InvalidArgumentError);
    expect(() => rollout.check('cdc_on', position)).toThrow(/position/);
  });

  it('a bad user in the argument is an InvalidArgumentError, the function is not called', async () => {
    const rollout = await setup();
    const fn = jest.fn();
    await expect(rollout.check('cdc_on', 1)(fn)(NaN)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(fn).not.toHaveBeenCalled();
  });
});
