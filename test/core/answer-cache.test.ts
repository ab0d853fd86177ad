import type { FeatureState } from '@hanoi/core';
import { AnswerCache } from '../../packages/core/src/answer-cache';

// The answers a process keeps for a store whose users it does not hold: each
// valid only under the feature state it was asked under.
const state = (name: string): FeatureState =>
  ({
    name,
    enabled: true,
    percentage: 0,
    variants: [],
    patterns: [],
    users: undefined,
    hasUsers: true,
  }) as FeatureState;

it('answers only under the state an answer was kept for', () => {
  const answers = new AnswerCache(10);
  const before = state('beta');
  const after = state('beta');
  answers.set('beta', before, 'alice', true);
  answers.set('beta', before, 'bob', false);
  expect([answers.get('beta', before, 'alice'), answers.get('beta', before, 'bob')]).toEqual([true, false]);
  expect(answers.get('beta', before, 'carol')).toBeUndefined();
  expect(answers.get('beta', after, 'alice')).toBeUndefined();
  // An answer under the new state replaces the old state's answers.
  answers.set('beta', after, 'carol', true);
  expect([answers.size, answers.get('beta', before, 'alice'), answers.get('beta', after, 'carol')]).toEqual([
    1,
    undefined,
    true,
  ]);
});

it('carries answers across a write made from the state they were kept for, with what it changed', () => {
  const answers = new AnswerCache(10);
  const [s1, s2, s3, other] = [state('beta'), state('beta'), state('beta'), state('beta')];
  answers.set('beta', s1, 'alice', false);
  answers.set('beta', s1, 'bob', true);
  answers.carry('beta', s1, s2, ['alice'], true);
  expect([answers.get('beta', s2, 'alice'), answers.get('beta', s2, 'bob'), answers.size]).toEqual([true, true, 2]);
  answers.carry('beta', s2, s3, ['bob'], false);
  expect([answers.get('beta', s3, 'alice'), answers.get('beta', s3, 'bob')]).toEqual([true, false]);
  // From a state the answers were not kept for: they are dropped, and only the write's own units are known.
  answers.carry('beta', other, s1, ['dave'], true);
  expect([answers.get('beta', s1, 'alice'), answers.get('beta', s1, 'dave'), answers.size]).toEqual([
    undefined,
    true,
    1,
  ]);
  // A write that names no unit, over nothing kept: nothing is made up.
  answers.carry('gamma', other, s2);
  expect(answers.entryCount).toBe(1);
});

it('never holds more than its bound, and nothing with a bound of 0', () => {
  const answers = new AnswerCache(3);
  const s = state('beta');
  for (let i = 0; i < 10; i++) {
    answers.set(i % 2 === 0 ? 'beta' : 'deny beta', s, `u${i}`, i % 3 === 0);
    expect(answers.size).toBeLessThanOrEqual(3);
  }
  answers.carry('beta', s, state('beta'), ['a', 'b', 'c', 'd', 'e'], true);
  expect(answers.size).toBeLessThanOrEqual(3);
  const none = new AnswerCache(0);
  none.set('beta', s, 'alice', true);
  none.carry('beta', s, state('beta'), ['bob'], true);
  expect([none.size, none.entryCount, none.get('beta', s, 'alice')]).toEqual([0, 0, undefined]);
});

it('drop and clear leave nothing behind', () => {
  const answers = new AnswerCache(10);
  const s = state('beta');
  answers.set('beta', s, 'alice', true);
  answers.set('deny beta', s, 'alice', false);
  answers.drop('beta');
  expect([answers.size, answers.entryCount]).toEqual([1, 1]);
  answers.clear();
  expect([answers.size, answers.entryCount]).toEqual([0, 0]);
});
