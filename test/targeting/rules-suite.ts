import { type Backend, Rollout, type Constraint, type User } from '@hanoi/core';
import { idInBucket, referenceBucket } from '@hanoi/core/testing';

/**
 * Rules, currentTime and `by` on the backends `backend` makes: MemoryBackend
 * here, the Redis and PostgreSQL backends in test/redis and test/postgres
 * (users held in every process, or looked up in the store).
 */
export function describeRules(label: string, backend: () => Backend): void {
  describe(label, () => {
    /** Whether one constraint holds for `user`, through a feature whose only way in is that rule. */
    async function holds(constraint: Constraint, user: User, clock?: () => Date | number): Promise<boolean> {
      const rollout = new Rollout(backend(), clock ? { clock } : {});
      await rollout.addFunc('f', { rules: [{ constraints: [constraint] }] });
      return rollout.isEnabled('f', user);
    }

    const c = (attribute: string, operator: Constraint['operator'], more: Partial<Constraint>): Constraint =>
      ({ attribute, operator, ...more }) as Constraint;

    describe('constraint operators and their meaning (SPEC: Rules; Unleash semantics)', () => {
      // [constraint, context attribute value (undefined: missing), expected]
      const table: [string, Constraint, unknown, boolean][] = [
        ['IN holds for a listed value', c('plan', 'IN', { values: ['pro', 'team'] }), 'team', true],
        ['IN does not hold for another value', c('plan', 'IN', { values: ['pro'] }), 'free', false],
        [
          'IN is case-sensitive even with caseInsensitive',
          c('plan', 'IN', { values: ['pro'], caseInsensitive: true }),
          'PRO',
          false,
        ],
        ['IN does not hold when missing', c('plan', 'IN', { values: ['pro'] }), undefined, false],
        ['NOT_IN holds when missing', c('plan', 'NOT_IN', { values: ['pro'] }), undefined, true],
        ['NOT_IN holds for another value', c('plan', 'NOT_IN', { values: ['pro'] }), 'free', true],
        ['NOT_IN does not hold for a listed value', c('plan', 'NOT_IN', { values: ['pro'] }), 'pro', false],
        [
          'inverted NOT_IN does not hold when missing',
          c('plan', 'NOT_IN', { values: ['pro'], inverted: true }),
          undefined,
          false,
        ],
        ['inverted IN holds when missing', c('plan', 'IN', { values: ['pro'], inverted: true }), undefined, true],
        ['IN compares a number as String(value)', c('age', 'IN', { values: ['42'] }), 42, true],
        ['IN compares a boolean as String(value)', c('beta', 'IN', { values: ['true'] }), true, true],
        [
          'IN compares a Date as its ISO string',
          c('d', 'IN', { values: ['2024-01-02T03:04:05.000Z'] }),
          new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
          true,
        ],
        ['IN holds when any element of a list does', c('groups', 'IN', { values: ['b'] }), ['a', 'b'], true],
        [
          'NOT_IN on a list holds when any element is not listed',
          c('groups', 'NOT_IN', { values: ['a'] }),
          ['a', 'b'],
          true,
        ],
        ['an empty list counts as missing (NOT_IN holds)', c('groups', 'NOT_IN', { values: ['a'] }), [], true],
        ['an empty list counts as missing (IN does not)', c('groups', 'IN', { values: ['a'] }), [], false],
        ['STR_CONTAINS', c('email', 'STR_CONTAINS', { values: ['@example'] }), 'a@example.com', true],
        [
          'STR_CONTAINS is case-sensitive',
          c('email', 'STR_CONTAINS', { values: ['@EXAMPLE'] }),
          'a@example.com',
          false,
        ],
        [
          'STR_CONTAINS caseInsensitive',
          c('email', 'STR_CONTAINS', { values: ['@EXAMPLE'], caseInsensitive: true }),
          'a@example.com',
          true,
        ],
        ['STR_STARTS_WITH', c('email', 'STR_STARTS_WITH', { values: ['x', 'a@'] }), 'a@example.com', true],
        ['STR_ENDS_WITH', c('email', 'STR_ENDS_WITH', { values: ['.org'] }), 'a@example.com', false],
        [
          'STR_ENDS_WITH caseInsensitive',
          c('email', 'STR_ENDS_WITH', { values: ['.COM'], caseInsensitive: true }),
          'a@example.com',
          true,
        ],
        ['STR_* do not hold when missing', c('email', 'STR_CONTAINS', { values: [''] }), undefined, false],
        [
          'inverted STR_CONTAINS holds when missing',
          c('email', 'STR_CONTAINS', { values: ['x'], inverted: true }),
          undefined,
          true,
        ],
        ['REGEX searches, unanchored', c('email', 'REGEX', { values: ['example\\.com$'] }), 'a@example.com', true],
        ['REGEX: any value may match', c('email', 'REGEX', { values: ['^z', '^a'] }), 'a@example.com', true],
        ['REGEX is case-sensitive by default', c('email', 'REGEX', { values: ['^A@'] }), 'a@example.com', false],
        [
          'REGEX caseInsensitive adds i',
          c('email', 'REGEX', { values: ['^A@'], caseInsensitive: true }),
          'a@example.com',
          true,
        ],
        ['REGEX flags apply to every value', c('text', 'REGEX', { values: ['^b$'], flags: 'm' }), 'a\nb\nc', true],
        ['REGEX without m: ^ is the start only', c('text', 'REGEX', { values: ['^b$'] }), 'a\nb\nc', false],
        ['REGEX flag s: . matches a line break', c('text', 'REGEX', { values: ['a.b'], flags: 's' }), 'a\nb', true],
        ['REGEX does not hold when missing', c('text', 'REGEX', { values: ['.*'] }), undefined, false],
        ['NUM_EQ reads a numeric string', c('n', 'NUM_EQ', { value: 12 }), '12.0', true],
        ['NUM_EQ takes a numeric string value', c('n', 'NUM_EQ', { value: '12.0' }), 12, true],
        ['NUM_GT', c('n', 'NUM_GT', { value: 12 }), 12, false],
        ['NUM_GTE', c('n', 'NUM_GTE', { value: 12 }), 12, true],
        ['NUM_LT with a negative value', c('n', 'NUM_LT', { value: -1 }), '-1.5', true],
        ['NUM_LTE', c('n', 'NUM_LTE', { value: 1e3 }), '1000', true],
        ['an empty string is not a number', c('n', 'NUM_LTE', { value: 5 }), '', false],
        ['a non-numeric string is not a number', c('n', 'NUM_GT', { value: 5 }), '10 apples', false],
        ['NUM_* do not hold when missing', c('n', 'NUM_LT', { value: 5 }), undefined, false],
        ['NUM_GT does not hold for a non-number', c('n', 'NUM_GT', { value: 5 }), 'x', false],
        ['inverted NUM_GT holds for a non-number', c('n', 'NUM_GT', { value: 5, inverted: true }), 'x', true],
        ['SEMVER_EQ', c('v', 'SEMVER_EQ', { value: '1.2.3' }), '1.2.3', true],
        [
          'SEMVER_GT orders pre-releases below the release',
          c('v', 'SEMVER_GT', { value: '2.0.0-alpha.1' }),
          '2.0.0',
          true,
        ],
        ['SEMVER_GT: beta.1 is above alpha.1', c('v', 'SEMVER_GT', { value: '2.0.0-alpha.1' }), '2.0.0-beta.1', true],
        ['SEMVER_LT: 2.0.0-rc.1 is below 2.0.0', c('v', 'SEMVER_LT', { value: '2.0.0' }), '2.0.0-rc.1', true],
        ['SEMVER_GTE', c('v', 'SEMVER_GTE', { value: '1.10.0' }), '1.9.9', false],
        ['SEMVER_LTE: build metadata is ignored', c('v', 'SEMVER_LTE', { value: '1.0.0' }), '1.0.0+build.7', true],
        ['a version with a leading v is not a version', c('v', 'SEMVER_EQ', { value: '2.0.0' }), 'v2.0.0', false],
        ['SEMVER_* do not hold for a non-version', c('v', 'SEMVER_LT', { value: '2.0.0' }), 'one', false],
        ['IN_CIDR: an IPv4 range', c('ip', 'IN_CIDR', { values: ['10.0.0.0/8'] }), '10.200.3.4', true],
        ['IN_CIDR: outside the range', c('ip', 'IN_CIDR', { values: ['10.0.0.0/8'] }), '11.0.0.1', false],
        ['IN_CIDR: a single address', c('ip', 'IN_CIDR', { values: ['127.0.0.1'] }), '127.0.0.1', true],
        ['IN_CIDR: an IPv6 range', c('ip', 'IN_CIDR', { values: ['2001:db8::/32'] }), '2001:db8:1::9', true],
        [
          'IN_CIDR: an IPv4-mapped IPv6 address is its IPv4 address',
          c('ip', 'IN_CIDR', { values: ['192.168.0.0/16'] }),
          '::ffff:192.168.1.1',
          true,
        ],
        [
          'IN_CIDR: an address that does not parse does not hold',
          c('ip', 'IN_CIDR', { values: ['0.0.0.0/0'] }),
          '10.1',
          false,
        ],
        ['IN_CIDR: IPv4 and IPv6 do not mix', c('ip', 'IN_CIDR', { values: ['::/0'] }), '10.0.0.1', false],
        [
          'DATE_AFTER on an attribute',
          c('signedUp', 'DATE_AFTER', { value: '2024-01-01T00:00:00Z' }),
          '2024-06-01T00:00:00Z',
          true,
        ],
        [
          'DATE_BEFORE on a Date attribute',
          c('signedUp', 'DATE_BEFORE', { value: '2024-01-01' }),
          new Date('2023-12-31T23:59:59Z'),
          true,
        ],
        [
          'DATE_AFTER is exclusive',
          c('signedUp', 'DATE_AFTER', { value: '2024-01-01T00:00:00Z' }),
          '2024-01-01T00:00:00.000Z',
          false,
        ],
        [
          'DATE_* with a time zone',
          c('signedUp', 'DATE_BEFORE', { value: '2024-01-01T02:00:00+02:00' }),
          '2023-12-31T23:59:00Z',
          true,
        ],
        [
          'DATE_* do not hold for a non-date',
          c('signedUp', 'DATE_BEFORE', { value: '2024-01-01' }),
          'yesterday',
          false,
        ],
      ];

      it.each(table)('%s', async (_what, constraint, value, expected) => {
        const attribute = constraint.attribute!;
        const user = value === undefined ? { id: 'u1' } : { id: 'u1', [attribute]: value };
        expect(await holds(constraint, user as User)).toBe(expected);
      });

      it('IN_SEGMENT holds when the user is in any of the segments', async () => {
        const rollout = new Rollout(backend());
        await rollout.defineSegment('a', { users: ['u1'] });
        await rollout.defineSegment('b', { constraints: [c('plan', 'IN', { values: ['pro'] })] });
        await rollout.addFunc('f', { rules: [{ constraints: [{ operator: 'IN_SEGMENT', values: ['a', 'b'] }] }] });
        expect(await rollout.isEnabled('f', 'u1')).toBe(true);
        expect(await rollout.isEnabled('f', { id: 'u2', plan: 'pro' })).toBe(true);
        expect(await rollout.isEnabled('f', { id: 'u2', plan: 'free' })).toBe(false);
      });
    });

    describe('rules: the feature is on when any rule holds', () => {
      it('a rule holds when every constraint does; a rule with none holds for every context, an empty one included', async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f', {
          rules: [{ constraints: [c('country', 'IN', { values: ['NL'] }), c('plan', 'IN', { values: ['pro'] })] }],
        });
        expect(await rollout.isEnabled('f', { country: 'NL', plan: 'pro' })).toBe(true);
        expect(await rollout.isEnabled('f', { country: 'NL', plan: 'free' })).toBe(false);
        await rollout.setRules('f', [{ constraints: [] }]);
        expect(await rollout.isEnabled('f', {})).toBe(true);
        expect(await rollout.isEnabled('f')).toBe(true);
        await rollout.setRules('f', []);
        expect(await rollout.isEnabled('f', { country: 'NL' })).toBe(false);
      });

      it("a rule's percentage lets in the units whose bucket is below it, and no one without a unit", async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f', {
          rules: [{ constraints: [c('country', 'IN', { values: ['NL'] })], percentage: 20 }],
        });
        for (const id of [idInBucket(0), idInBucket(19), idInBucket(20), idInBucket(99)]) {
          expect(await rollout.isEnabled('f', { id, country: 'NL' })).toBe(referenceBucket(id) < 20);
          expect(await rollout.isEnabled('f', { id, country: 'DE' })).toBe(false);
        }
        expect(await rollout.isEnabled('f', { country: 'NL' })).toBe(false);
      });

      it('the order of evaluation: listed users and patterns before rules, rules before the bucket', async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f', {
          percentage: 50,
          rules: [{ name: 'NL', constraints: [c('country', 'IN', { values: ['NL'] })] }],
        });
        await rollout.register('f', 'listed');
        await rollout.register('f', /^vip-/);
        expect(await rollout.explain('f', { id: 'listed', country: 'NL' })).toEqual({
          enabled: true,
          reason: 'listed',
        });
        expect(await rollout.explain('f', { id: 'vip-1', country: 'NL' })).toMatchObject({ reason: 'pattern' });
        expect(await rollout.explain('f', { id: idInBucket(10), country: 'NL' })).toMatchObject({ reason: 'rule' });
        expect(await rollout.explain('f', { id: idInBucket(10), country: 'DE' })).toMatchObject({
          reason: 'bucket',
          enabled: true,
        });
      });
    });

    describe('currentTime: the evaluation clock, or the context', () => {
      const start = '2030-01-01T00:00:00Z';
      const end = '2030-02-01T00:00:00Z';
      const scheduled = [
        c('currentTime', 'DATE_AFTER', { value: start }),
        c('currentTime', 'DATE_BEFORE', { value: end }),
      ];

      it('a scheduled start and end follow the injected clock (a Date or epoch milliseconds)', async () => {
        let now: Date | number = new Date('2029-12-31T23:59:59Z');
        const rollout = new Rollout(backend(), { clock: () => now });
        await rollout.addFunc('sale', { rules: [{ name: 'January', constraints: scheduled }] });
        expect(await rollout.isEnabled('sale', 'u1')).toBe(false);
        now = Date.parse('2030-01-15T00:00:00Z');
        expect(await rollout.isEnabled('sale', 'u1')).toBe(true);
        expect((await rollout.forUser('u1')).isEnabled('sale')).toBe(true);
        now = new Date(end);
        expect(await rollout.isEnabled('sale', 'u1')).toBe(false);
      });

      it("a context's own currentTime wins over the clock", async () => {
        const rollout = new Rollout(backend(), { clock: () => new Date('2000-01-01T00:00:00Z') });
        await rollout.addFunc('sale', { rules: [{ constraints: scheduled }] });
        expect(await rollout.isEnabled('sale', { id: 'u1', currentTime: '2030-01-10T00:00:00Z' })).toBe(true);
        expect(await rollout.isEnabled('sale', { id: 'u1', currentTime: new Date('2030-01-10T00:00:00Z') })).toBe(true);
        expect(await rollout.isEnabled('sale', 'u1')).toBe(false);
      });

      it('a clock that returns something else is no time: no date rule holds', async () => {
        const rollout = new Rollout(backend(), { clock: () => 'soon' as never });
        await rollout.addFunc('sale', { rules: [{ constraints: [scheduled[0]!] }] });
        expect(await rollout.isEnabled('sale', 'u1')).toBe(false);
      });

      it('a clock that is not a function is a TypeError at construction', () => {
        expect(() => new Rollout(backend(), { clock: 5 as never })).toThrow(TypeError);
      });
    });

    describe('by: the unit the feature decides on', () => {
      it('listed users, the deny list, patterns, the bucket and the variant use String(context[by])', async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f', { by: 'companyId', percentage: 30, variants: ['a', 'b', 'c'] });
        await rollout.register('f', 'acme');
        await rollout.register('f', /^big-/);
        await rollout.deny('f', '13');
        expect(await rollout.isEnabled('f', { id: 'u1', companyId: 'acme' })).toBe(true);
        expect(await rollout.isEnabled('f', { id: 'acme' })).toBe(false); // no unit
        expect(await rollout.isEnabled('f', { id: 'u1', companyId: 'big-co' })).toBe(true);
        expect(await rollout.isEnabled('f', { id: 'u1', companyId: 13 })).toBe(false);
        const company = idInBucket(5, 'co-');
        const users = ['u1', 'u2', 'u3', 'u4'].map((id) => ({ id, companyId: company }));
        const variants = new Set<string | undefined>();
        for (const user of users) {
          expect(await rollout.isEnabled('f', user)).toBe(true);
          variants.add(await rollout.variant('f', user));
        }
        expect(variants.size).toBe(1); // all users of one company get one answer
        expect(await rollout.explain('f', { id: 'x', companyId: idInBucket(30, 'co-') })).toMatchObject({
          reason: 'bucket',
          bucket: 30,
          enabled: false,
        });
        expect(await rollout.explain('f', { id: 'x' })).toEqual({ enabled: false, reason: 'no-user', percentage: 30 });
      });

      it('with another unit, id is an ordinary attribute rules may test', async () => {
        const rollout = new Rollout(backend());
        await rollout.addFunc('f', {
          by: 'companyId',
          rules: [{ constraints: [c('id', 'IN', { values: ['boss'] })] }],
        });
        expect(await rollout.isEnabled('f', { id: 'boss', companyId: 'acme' })).toBe(true);
        expect(await rollout.isEnabled('f', { id: 'clerk', companyId: 'acme' })).toBe(false);
        expect((await rollout.getFunc('f'))!.by).toBe('companyId');
      });
    });
  });
}
