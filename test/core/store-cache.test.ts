import { MemoryBackend, MemoryStore, Rollout, StoreBackend } from '@hanoi/core';
import { parseAdapterOptions } from '@hanoi/core/internal';

// The synchronised cache (SPEC "Writes, connections and resets"): the cost of
// a change is proportional to the change, and memory to what exists.
const quiet = { logger: { warn() {}, error() {} } };

describe('the synchronised cache', () => {
  it('a change to a feature compiles only its new patterns: the others are the same compiled objects', async () => {
    const backend = new MemoryBackend();
    const rollout = new Rollout(backend);
    await rollout.addFunc('many');
    for (let i = 0; i < 300; i++) await rollout.register('many', new RegExp(`^p${i}-[a-z]+$`));
    const before = backend.peek('many')!.patterns;
    expect(before).toHaveLength(300);

    // A change that leaves the patterns alone keeps the very same list (and its combined matcher).
    await rollout.register('many', 'alice');
    await rollout.setPercentage('many', 5);
    expect(backend.peek('many')!.patterns).toBe(before);

    // One more pattern: a new list, every old pattern reused as it was.
    await rollout.register('many', /^extra$/);
    const after = backend.peek('many')!.patterns;
    expect(after).toHaveLength(301);
    const reused = after.filter((p) => before.includes(p));
    expect(reused).toHaveLength(300);
    expect(await rollout.isEnabled('many', 'p42-abc')).toBe(true);
    expect(await rollout.isEnabled('many', 'extra')).toBe(true);
  });

  it('20,000 removed features leave no entry behind, in the writer or in another process', async () => {
    const store = new MemoryStore();
    const writer = new StoreBackend(store, { ...quiet, resyncIntervalMs: false });
    const reader = new StoreBackend(store, { ...quiet, resyncIntervalMs: false });
    const rollout = new Rollout(writer, quiet);
    await Promise.all([writer.ready(), reader.ready()]);
    await rollout.addFunc('kept');
    await new Promise((resolve) => setTimeout(resolve, 10));
    const base = [writer.cacheSize, reader.cacheSize];
    for (let i = 0; i < 20_000; i++) {
      await rollout.addFunc(`gone-${i}`);
      await rollout.remove(`gone-${i}`);
    }
    await rollout.setPercentage('kept', 7);
    for (let i = 0; i < 100 && reader.peek('kept')?.percentage !== 7; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(reader.peek('kept')?.percentage).toBe(7);
    expect([writer.cacheSize, reader.cacheSize]).toEqual(base);
    expect(reader.knownNames()).toEqual(['kept']);
  });

  it('a reset of the store (a new epoch) is seen, and the writer reads its write at once', async () => {
    const store = new MemoryStore();
    const writer = new StoreBackend(store, { ...quiet, resyncIntervalMs: 50 });
    const reader = new StoreBackend(store, { ...quiet, resyncIntervalMs: 50 });
    const rollout = new Rollout(writer, quiet);
    await rollout.addFunc('old', { percentage: 100 });
    for (let i = 0; i < 5; i++) await rollout.setPercentage('old', i);
    store.reset();
    await rollout.addFunc('beta', { percentage: 100 });
    expect(writer.peek('beta')?.percentage).toBe(100);
    for (let i = 0; i < 200 && (reader.peek('old') || writer.peek('old') || !reader.peek('beta')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect([writer.knownNames(), reader.knownNames()]).toEqual([['beta'], ['beta']]);
    await Promise.all([writer.close(), reader.close()]);
  });
});

describe('one logger, given once on the Rollout', () => {
  it('reaches the backend: its background failures go to the Rollout logger and onError', async () => {
    const store = new MemoryStore();
    store.snapshot = () => Promise.reject(new Error('the store is away'));
    const said: string[] = [];
    const errors: unknown[] = [];
    const logger = { warn: (m: string) => void said.push(m), error: (m: string) => void said.push(m) };
    const backend = new StoreBackend(store, { resyncIntervalMs: false, readyTimeoutMs: 50 });
    const rollout = new Rollout(backend, { logger, onError: (err) => errors.push(err) });
    expect(rollout.logger).toBe(logger);
    await rollout.addFunc('beta'); // a write in a new epoch asks for a snapshot, which fails
    for (let i = 0; i < 100 && said.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(said).toEqual([expect.stringMatching(/^hanoi: Loading features failed/)]);
    expect(errors).toHaveLength(1);
    await backend.close();
  });
});

it('reaches the adapters: a middleware given no logger warns through the Rollout logger', async () => {
  const said: string[] = [];
  const logger = { warn: (m: string) => void said.push(m), error: (m: string) => void said.push(m) };
  const rollout = new Rollout(new MemoryBackend(), { logger });
  const { answersFor } = parseAdapterOptions<{ id: unknown }>(
    { rollout, user: (req: { id: unknown }) => req.id },
    'features',
    {
      subject: 'the request',
      userExample: '(req) => req.user?.id',
      notFoundSignature: '(req, res) => void',
      defaultUser: () => undefined,
    },
  );
  await answersFor({ id: NaN }); // not an id (an object would be a context)
  expect(said).toEqual([expect.stringContaining('HANOI_INVALID_USER_ID')]);
});
