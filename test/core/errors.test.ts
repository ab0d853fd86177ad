import {
  BackendUnavailableError,
  FeatureDisabledError,
  FeatureNotFoundError,
  HanoiError,
  InvalidArgumentError,
  MissingUserError,
} from '@hanoi/core';

describe('errors (SPEC: HanoiError with a stable code and a message that says what to do)', () => {
  const cases: [HanoiError, string, string, RegExp][] = [
    [new FeatureNotFoundError('beta'), 'FeatureNotFoundError', 'HANOI_FEATURE_NOT_FOUND', /addFunc\("beta"\)/],
    [
      new FeatureDisabledError('beta', 'u1'),
      'FeatureDisabledError',
      'HANOI_FEATURE_DISABLED',
      /"u1".*(Register|raise|enable)/s,
    ],
    [new MissingUserError('beta'), 'MissingUserError', 'HANOI_MISSING_USER', /withCurrentId/],
    [
      new InvalidArgumentError('percentage', 101, 'A percentage is an integer from 0 to 100.'),
      'InvalidArgumentError',
      'HANOI_INVALID_ARGUMENT',
      /^Invalid percentage: 101\. A percentage/,
    ],
    [
      new BackendUnavailableError('Redis did not answer; retry later.'),
      'BackendUnavailableError',
      'HANOI_BACKEND_UNAVAILABLE',
      /retry/,
    ],
  ];

  it.each(cases)('%s: name %s, code %s, a next step in the message', (error, name, code, message) => {
    expect(error).toBeInstanceOf(HanoiError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(String(error)).toContain(name);
    expect(error.stack).toContain(name);
  });

  it('the codes are distinct', () => {
    expect(new Set(cases.map(([error]) => error.code)).size).toBe(cases.length);
  });

  it('errors carry what they are about, for programs', () => {
    expect(new FeatureNotFoundError('beta').feature).toBe('beta');
    expect(new FeatureDisabledError('beta', 'u1')).toMatchObject({ feature: 'beta', userId: 'u1' });
    expect(new InvalidArgumentError('user id', NaN, 'x')).toMatchObject({ field: 'user id', value: NaN });
  });

  it('a BackendUnavailableError keeps its cause', () => {
    const cause = new Error('ECONNREFUSED');
    expect(new BackendUnavailableError('Redis is away.', { cause }).cause).toBe(cause);
  });

  it('a long string value is shortened in the message, not dropped', () => {
    const message = new InvalidArgumentError('name', 'x'.repeat(500), 'Shorter.').message;
    expect(message).toContain('x'.repeat(80));
    expect(message.length).toBeLessThan(200);
  });
});
