import { Rollout } from '@hanoi/core';
import { HanoiProvider } from '@hanoi/openfeature';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { connectedHanoi } from '../cli/hanoi-binary';
import { BACKENDS, connect, quietLogger, useRedis } from '../redis/redis-fixture';
import { freePort, startRedis, uniquePrefix } from '../support/redis-server';
import { clientFor, describeProvider, eventsOf, eventuallyTrue, freshDomain } from './provider-suite';

jest.setTimeout(60_000);

// The provider over both Redis backends: the whole suite, then what only a
// shared store does: changes from another process, and Redis going away.
const redis = useRedis();
const kinds = Object.keys(BACKENDS) as (keyof typeof BACKENDS)[];

for (const kind of kinds) {
  describeProvider(kind, async () => {
    const rollout = new Rollout(BACKENDS[kind](redis.client(), { prefix: uniquePrefix(kind), logger: quietLogger() }));
    return { rollout, release: () => rollout.close() };
  });
}

const external = Boolean(process.env.REDIS_URL);
(external ? describe.skip : describe).each(kinds)('HanoiProvider on %s, with other processes and outages', (kind) => {
  afterEach(async () => {
    await OpenFeature.clearProviders();
  });

  it('a change from another process fires PROVIDER_CONFIGURATION_CHANGED, and the new values are read', async () => {
    const prefix = uniquePrefix(kind);
    const rollout = new Rollout(BACKENDS[kind](redis.client(), { prefix, logger: quietLogger() }));
    const { client } = await clientFor(rollout, kind);
    const changed = eventsOf(client, ProviderEvents.ConfigurationChanged);
    const flags = () => changed.flatMap((details) => details.flagsChanged ?? []);
    const cli = connectedHanoi(redis.server().url, prefix);

    expect(
      (await cli('add', 'banner', '--percentage', '100', '--variants', '[{"name":"a","value":"Hello"}]')).code,
    ).toBe(0);
    await eventuallyTrue(() => flags().includes('banner'));
    expect(await client.getStringDetails('banner', 'd', { targetingKey: 'u1' })).toMatchObject({
      value: 'Hello',
      variant: 'a',
      reason: 'STATIC',
    });

    // A second Rollout on its own connection, as another process has.
    changed.length = 0;
    const other = new Rollout(BACKENDS[kind](redis.client(), { prefix, logger: quietLogger() }));
    await other.ready();
    await other.setVariants('banner', [{ name: 'b', value: { text: 'Bonjour' } }]);
    await eventuallyTrue(() => flags().includes('banner'));
    expect(flags().every((name) => name === 'banner')).toBe(true);
    expect(await client.getObjectDetails('banner', {}, { targetingKey: 'u1' })).toMatchObject({
      value: { text: 'Bonjour' },
      variant: 'b',
    });
    await other.close();
    await rollout.close();
  });

  it('killing redis-server fires PROVIDER_STALE (answers go on), restarting it PROVIDER_READY', async () => {
    const server = await startRedis({ persist: true });
    const client1 = connect(server);
    const client2 = connect(server);
    const prefix = uniquePrefix(kind);
    const rollout = new Rollout(BACKENDS[kind](client1, { prefix, logger: quietLogger() }));
    try {
      await rollout.ready();
      await rollout.addFunc('beta', { percentage: 100 });
      const { client } = await clientFor(rollout, kind);
      const stale = eventsOf(client, ProviderEvents.Stale);
      const ready = eventsOf(client, ProviderEvents.Ready);
      const changed = eventsOf(client, ProviderEvents.ConfigurationChanged);

      // A handler added to a ready provider runs at once (OpenFeature spec 5.3.3): count from here.
      await eventuallyTrue(() => ready.length === 1);
      await server.kill();
      await eventuallyTrue(() => stale.length === 1);
      expect(client.providerStatus).toBe(ProviderStatus.STALE);
      expect(await client.getBooleanDetails('beta', false, { targetingKey: 'u1' })).toMatchObject({
        value: true,
        reason: 'STATIC',
      });

      await server.restart();
      await eventuallyTrue(() => ready.length === 2, 10_000);
      expect(client.providerStatus).toBe(ProviderStatus.READY);
      expect(stale).toHaveLength(1);
      // Current again: a change made now reaches the provider.
      changed.length = 0;
      const other = new Rollout(BACKENDS[kind](client2, { prefix, logger: quietLogger() }));
      await other.ready();
      await other.setPercentage('beta', 0);
      await other.close();
      await eventuallyTrue(() => changed.some((details) => details.flagsChanged?.includes('beta')));
      expect(await client.getBooleanDetails('beta', true, { targetingKey: 'u1' })).toMatchObject({
        value: false,
        reason: 'DEFAULT',
      });
    } finally {
      await rollout.close();
      client1.disconnect();
      client2.disconnect();
      await server.stop();
    }
  });

  it('Redis away at start: ready on the bootstrap definitions, and PROVIDER_STALE at once', async () => {
    const client1 = connect(`redis://127.0.0.1:${await freePort()}`);
    const bootstrap = [{ name: 'beta', enabled: true, percentage: 100, users: [], patterns: [], variants: [] }];
    const rollout = new Rollout(BACKENDS[kind](client1, { bootstrap, readyTimeoutMs: 200, logger: quietLogger() }));
    try {
      const domain = freshDomain(kind);
      const client = OpenFeature.getClient(domain);
      const stale = eventsOf(client, ProviderEvents.Stale);
      await OpenFeature.setProviderAndWait(domain, new HanoiProvider(rollout));
      await eventuallyTrue(() => stale.length === 1);
      expect(client.providerStatus).toBe(ProviderStatus.STALE);
      expect(await client.getBooleanDetails('beta', false, { targetingKey: 'u1' })).toMatchObject({
        value: true,
        reason: 'STATIC',
      });
    } finally {
      await rollout.close();
      client1.disconnect();
    }
  });
});
