import { Rollout } from '@hanoi/core';
import { PostgresBackend, PostgresStore } from '@hanoi/postgres';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { quietLogger, usePostgres } from './postgres-fixture';

// Four processes, each registering 2,000 users while the
// others flip the percentage, the switch and the variants; every write
// appends exactly one history entry, in commit order.
const pg = usePostgres();

interface Message {
  done?: boolean;
  percentage?: number;
  variants?: string[];
  writes?: number;
  view?: {
    percentage: number;
    enabled: boolean;
    variants: { name: string }[];
    users: string[] | null;
    hasUsers: boolean;
  };
  otherWritersLastUser?: { enabled: boolean; reason: string };
  error?: string;
}

function nextMessage(child: ChildProcess, key: keyof Message): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Message) => {
      if (message.error) reject(new Error(message.error));
      else if (message[key] !== undefined) {
        child.off('message', onMessage);
        resolve(message);
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => code !== 0 && reject(new Error(`writer exited with ${code}`)));
  });
}

it('four processes writing at once: every user registered, and a state one of them wrote', async () => {
  const schema = await pg.schema();
  const kinds = ['holds', 'lookup', 'holds', 'lookup'];
  const children = kinds.map((kind, i) =>
    fork(join(__dirname, 'fixtures', 'concurrent-writer.ts'), [pg.server().url, schema, String(i), kind], {
      execArgv: ['--import', 'tsx'],
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  try {
    const finals = await Promise.all(children.map((child) => nextMessage(child, 'done')));
    const store = new PostgresBackend(pg.pool(), { schema, logger: quietLogger() });
    const rollout = new Rollout(store);
    await rollout.ready();
    const stored = (await rollout.getFunc('shared'))!;
    const everyone = kinds.flatMap((_, i) => Array.from({ length: 2000 }, (_, k) => `w${i}-u${k}`)).sort();
    expect(stored.users.sort()).toEqual(everyone);
    // The last write of each field was some writer's last write of it, whole.
    expect(finals.map((f) => f.percentage)).toContain(stored.percentage);
    expect(finals.map((f) => JSON.stringify(f.variants))).toContain(JSON.stringify(stored.variants.map((v) => v.name)));
    expect(typeof stored.enabled).toBe('boolean');
    // Exactly one entry per write, each writer's own count, ids unique and in order; one creation.
    const { entries, dropped } = await new PostgresStore(pg.pool(), { schema }).history({ limit: 10_000 });
    expect(dropped).toBe(0);
    const total = finals.reduce((sum, f) => sum + f.writes!, 0);
    expect(total).toBeGreaterThan(400);
    expect(entries).toHaveLength(total);
    for (const [i, final] of finals.entries()) {
      expect(entries.filter((e) => e.actor === `writer-${i}`)).toHaveLength(final.writes!);
    }
    const ids = entries.map((e) => BigInt(e.id));
    expect(ids.every((id, k) => k === 0 || id < ids[k - 1]!)).toBe(true);
    expect(entries.filter((e) => e.action === 'create')).toHaveLength(1);
    // Replayed in id order, the register entries add up to every user.
    const registered = entries.flatMap((e) => (e.action === 'register' ? (e.after?.users ?? []) : []));
    expect(registered.sort()).toEqual(everyone);
    // Every process converges on that state.
    const views = await Promise.all(
      children.map((child) => {
        const reply = nextMessage(child, 'view');
        child.send({ report: true });
        return reply;
      }),
    );
    for (const [i, { view, otherWritersLastUser }] of views.entries()) {
      expect(view).toMatchObject({ percentage: stored.percentage, enabled: stored.enabled, hasUsers: true });
      expect(view!.variants.map((v) => v.name)).toEqual(stored.variants.map((v) => v.name));
      if (kinds[i] === 'holds') expect(view!.users).toEqual(everyone);
      // A user another process registered counts as listed here (by lookup with lookupUsers).
      if (stored.enabled && stored.percentage < 100) {
        expect(otherWritersLastUser!.enabled).toBe(true);
      }
    }
    await store.close();
  } finally {
    for (const child of children) child.send({ exit: true });
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve)),
      ),
    );
  }
}, 120_000);
