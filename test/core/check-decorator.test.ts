import { FeatureDisabledError, MemoryBackend, MissingUserError, Rollout } from '@hanoi/core';

// Standard TC39 decorators (TypeScript 5, no experimentalDecorators in tsconfig).
describe('rollout.check as a standard decorator on async class methods', () => {
  async function setup() {
    const rollout = new Rollout(new MemoryBackend());
    await rollout.addFunc('reports');
    await rollout.register('reports', 'alice');
    const calls: string[] = [];

    class ReportService {
      constructor(readonly title: string) {}

      @rollout.check('reports', 1)
      async build(user: string, pages: number): Promise<string> {
        calls.push(user);
        await new Promise((resolve) => setTimeout(resolve, 1));
        return `${this.title} for ${user}: ${pages} pages`;
      }

      @rollout.check('reports')
      async forCurrentUser(): Promise<string> {
        return `${this.title} for ${rollout.getCurrentId()}`;
      }
    }
    return { rollout, service: new ReportService('Q3'), calls };
  }

  it('an allowed user runs the method with this and arguments', async () => {
    const { service, calls } = await setup();
    await expect(service.build('alice', 12)).resolves.toBe('Q3 for alice: 12 pages');
    expect(calls).toEqual(['alice']);
  });

  it('a denied user gets FeatureDisabledError and the method does not run', async () => {
    const { service, calls } = await setup();
    await expect(service.build('bob', 1)).rejects.toBeInstanceOf(FeatureDisabledError);
    expect(calls).toEqual([]);
  });

  it('without a position, the current user is checked', async () => {
    const { rollout, service } = await setup();
    await expect(rollout.withCurrentId('alice', () => service.forCurrentUser())).resolves.toBe('Q3 for alice');
    await expect(rollout.withCurrentId('bob', () => service.forCurrentUser())).rejects.toBeInstanceOf(
      FeatureDisabledError,
    );
    await expect(service.forCurrentUser()).rejects.toBeInstanceOf(MissingUserError);
  });

  it('each instance keeps its own this', async () => {
    const { rollout } = await setup();
    class Greeter {
      constructor(private readonly greeting: string) {}
      @rollout.check('reports', 1)
      async greet(user: string) {
        return `${this.greeting}, ${user}`;
      }
    }
    const [hi, hello] = [new Greeter('hi'), new Greeter('hello')];
    expect(await Promise.all([hi.greet('alice'), hello.greet('alice')])).toEqual(['hi, alice', 'hello, alice']);
  });
});
