/**
 * Compile-time checks, run by `pnpm typecheck` (not by jest): a Rollout that
 * declares its feature names refuses a misspelt one; an untyped Rollout takes
 * any string. Each `@ts-expect-error` fails the typecheck if the line below it
 * stops being an error.
 */
import { MemoryBackend, Rollout, type AttributesOf, type UserFeatures } from '@hanoi/core';

type Name = 'a' | 'b';

export async function typedNames(): Promise<void> {
  const rollout = new Rollout<Name>(new MemoryBackend());

  await rollout.addFunc('a', { percentage: 10 });
  await rollout.isEnabled('b', 'u1');
  await rollout.variant('a', 42);
  const guarded = rollout.check('a', 1)(async (user: string) => user.length);
  const length: number = await guarded('u1');
  const features: UserFeatures<Name> = await rollout.forUser('u1');
  features.isEnabled('b');
  const listed: Name[] = await rollout.listFuncs();

  // @ts-expect-error 'c' is not a declared feature
  await rollout.addFunc('c');
  // @ts-expect-error misspelt
  await rollout.isEnabled('A', 'u1');
  // @ts-expect-error misspelt
  await rollout.variant('bb', 'u1');
  // @ts-expect-error misspelt
  rollout.check('ab');
  // @ts-expect-error misspelt
  features.isEnabled('c');
  // @ts-expect-error misspelt
  features.variant('c');
  // @ts-expect-error misspelt
  await rollout.setPercentage('c', 5);
  // @ts-expect-error misspelt
  await rollout.register('c', 'u1');
  // @ts-expect-error a percentage is a number
  await rollout.setPercentage('a', '50');
  // @ts-expect-error a user id is a string or a number
  await rollout.isEnabled('a', { id: { nested: 1 } });

  void length;
  void listed;
}

export async function untypedNames(): Promise<void> {
  const rollout = new Rollout(new MemoryBackend());
  const anyName: string = `feature-${Math.random()}`;
  await rollout.addFunc(anyName);
  await rollout.isEnabled('whatever', 'u1');
  await rollout.variant(anyName);
  rollout.check(anyName, 2);
  (await rollout.forUser()).isEnabled('anything');
  // An app's own interface is a context when no attributes are declared.
  interface Account {
    id: string;
    country: string;
    seats: number;
  }
  const account: Account = { id: 'u1', country: 'NL', seats: 3 };
  await rollout.isEnabled('whatever', account);
  rollout.withCurrentId(account, () => undefined);
  const names: string[] = await rollout.listFuncs();
  void names;
}

const shared = new Rollout<Name>(new MemoryBackend());

export class Decorated {
  @shared.check('a', 1)
  async allowed(user: string): Promise<string> {
    return user;
  }

  // @ts-expect-error misspelt
  @shared.check('z', 1)
  async misspelt(user: string): Promise<string> {
    return user;
  }
}

/** Typed attributes: given to Rollout (or declared in Register), a misspelt attribute in a context or a rule does not compile. */
type Attributes = { country: string; plan: 'free' | 'pro'; version: string };

export async function typedAttributes(): Promise<void> {
  const rollout = new Rollout<Name, Attributes>(new MemoryBackend());
  await rollout.isEnabled('a', { id: 'u1', country: 'NL', plan: 'pro' });
  await rollout.addFunc('a', {
    rules: [{ constraints: [{ attribute: 'plan', operator: 'IN', values: ['pro'] }] }],
    requires: [{ feature: 'b' }],
  });
  await rollout.setRules('b', [
    { constraints: [{ attribute: 'currentTime', operator: 'DATE_BEFORE', value: new Date() }] },
  ]);
  await rollout.defineSegment('s', { constraints: [{ attribute: 'version', operator: 'SEMVER_GT', value: '1.0.0' }] });

  // @ts-expect-error a misspelt attribute in a context
  await rollout.isEnabled('a', { id: 'u1', contry: 'NL' });
  // @ts-expect-error a value outside the declared type
  await rollout.variant('a', { plan: 'gold' });
  // @ts-expect-error a misspelt attribute in a rule
  await rollout.setRules('a', [{ constraints: [{ attribute: 'contry', operator: 'IN', values: ['NL'] }] }]);
  // @ts-expect-error an unknown operator
  await rollout.setRules('a', [{ constraints: [{ attribute: 'country', operator: 'EQUALS', values: ['NL'] }] }]);
  // @ts-expect-error a prerequisite names a declared feature
  await rollout.addFunc('a', { requires: [{ feature: 'c' }] });
  // @ts-expect-error the unit is a declared attribute
  await rollout.addFunc('a', { by: 'company' });
}

/** `Register`'s attributes, read the way the adapters read them. */
type Declared = AttributesOf<{ attributes: Attributes }>;
const declared: Declared = { country: 'NL', plan: 'pro', version: '1.2.3' };
// @ts-expect-error plan is 'free' or 'pro'
const wrongPlan: Declared = { country: 'NL', plan: 'gold', version: '1' };
const undeclared: AttributesOf<object> = { anything: 'goes', n: 1 };
void declared;
void wrongPlan;
void undeclared;
