import { MemoryBackend, Rollout, type Explanation, type UserId } from '@hanoi/core';
import { HanoiProvider } from '@hanoi/openfeature';
import { ErrorCode, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { eventsOf, eventuallyTrue, freshDomain } from './provider-suite';

// The provider's life cycle through the real SDK: not ready until the store
// has loaded, what onClose closes, and evaluation that never throws.

/** A MemoryBackend whose first load takes until `finish()`: the fault is a slow store. */
class SlowBackend extends MemoryBackend {
  finish!: () => void;
  private readonly loaded = new Promise<void>((resolve) => (this.finish = resolve));
  override ready(): Promise<void> {
    return this.loaded;
  }
}

afterEach(async () => {
  await OpenFeature.clearProviders();
});

it('PROVIDER_NOT_READY until the store has loaded; then PROVIDER_READY and answers', async () => {
  const backend = new SlowBackend();
  const rollout = new Rollout(backend);
  await rollout.addFunc('beta', { percentage: 100 });
  const domain = freshDomain('slow');
  const provider = new HanoiProvider(rollout);
  // Asked directly, before initialize, the provider says so itself.
  expect(await provider.resolveBooleanEvaluation('beta', false, {})).toMatchObject({
    value: false,
    reason: 'ERROR',
    errorCode: ErrorCode.PROVIDER_NOT_READY,
  });
  OpenFeature.setProvider(domain, provider);
  const client = OpenFeature.getClient(domain);
  const ready = eventsOf(client, ProviderEvents.Ready);
  expect(client.providerStatus).toBe(ProviderStatus.NOT_READY);
  expect(await client.getBooleanDetails('beta', false, { targetingKey: 'u1' })).toMatchObject({
    value: false,
    reason: 'ERROR',
    errorCode: ErrorCode.PROVIDER_NOT_READY,
  });
  backend.finish();
  await eventuallyTrue(() => ready.length === 1);
  expect(client.providerStatus).toBe(ProviderStatus.READY);
  expect(await client.getBooleanDetails('beta', false, { targetingKey: 'u1' })).toMatchObject({
    value: true,
    reason: 'STATIC',
  });
});

it('onClose stops the events and leaves the Rollout and its store open', async () => {
  let closed = 0;
  const backend = new (class extends MemoryBackend {
    override async close(): Promise<void> {
      closed++;
    }
  })();
  const rollout = new Rollout(backend);
  const provider = new HanoiProvider(rollout);
  const changed: unknown[] = [];
  provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) => void changed.push(details));
  const domain = freshDomain('close');
  await OpenFeature.setProviderAndWait(domain, provider);
  await rollout.addFunc('beta', { percentage: 100 });
  await eventuallyTrue(() => changed.length === 1);
  expect(changed).toEqual([{ flagsChanged: ['beta'] }]);

  await OpenFeature.clearProviders();
  await rollout.addFunc('gamma', { percentage: 100 });
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(changed).toHaveLength(1);
  expect(closed).toBe(0);
  expect(await rollout.isEnabled('gamma', 'u1')).toBe(true);
  // A closed provider is not ready again until initialised again.
  expect(await provider.resolveBooleanEvaluation('beta', false, {})).toMatchObject({ errorCode: 'PROVIDER_NOT_READY' });
});

it('evaluation never throws: a Rollout that fails is a GENERAL error with the default value', async () => {
  // Two faults: the synchronous path throws, or it defers and the store's answer rejects.
  class Throwing extends Rollout {
    override explainNow(): Explanation | undefined {
      throw new Error('the store fell over');
    }
  }
  class Rejecting extends Rollout {
    override explainNow(): Explanation | undefined {
      return undefined;
    }
    override explain(_name: string, _user?: UserId): Promise<Explanation> {
      return Promise.reject(new Error('the store fell over'));
    }
  }
  for (const rollout of [new Throwing(new MemoryBackend()), new Rejecting(new MemoryBackend())]) {
    const domain = freshDomain('failing');
    await OpenFeature.setProviderAndWait(domain, new HanoiProvider(rollout));
    const client = OpenFeature.getClient(domain);
    const errors: unknown[] = [];
    const hook = { error: (_context: unknown, err: unknown) => void errors.push(err) };
    for (const details of [
      await client.getBooleanDetails('beta', true, {}, { hooks: [hook] }),
      await client.getStringDetails('beta', 'd', {}, { hooks: [hook] }),
      await client.getNumberDetails('beta', 7, {}, { hooks: [hook] }),
      await client.getObjectDetails('beta', { d: 1 }, {}, { hooks: [hook] }),
    ]) {
      expect(details).toMatchObject({
        reason: 'ERROR',
        errorCode: ErrorCode.GENERAL,
        errorMessage: 'the store fell over',
      });
    }
    expect(errors).toHaveLength(4);
  }
});

it('refuses, at construction, something that is not a Rollout', () => {
  expect(() => new HanoiProvider({} as never)).toThrow(TypeError);
  expect(() => new HanoiProvider(undefined as never)).toThrow(/pass a Rollout/);
});
