// A tiny real use of @hanoi/redis from one build (esm or cjs), over a real
// connection to the redis-server the test started. Usage:
//   node redis-use.mjs <esm|cjs> <redis url> <key prefix>
// For each backend: one process-like Rollout writes cdc_on as the seed README
// does, a second on its own connection loads it from Redis; prints what each
// answered, as JSON.
import { createRequire } from 'node:module';

const [build, url, prefix] = process.argv.slice(2);
const load = build === 'cjs' ? createRequire(import.meta.url) : (name) => import(name);
const core = await load('@hanoi/core');
const redis = await load('@hanoi/redis');
const { Redis } = await load('ioredis');
const quiet = { warn() {}, error() {} };
const ids = ['447568110000', '444401', '44488', '443301'];

const observed = {};
for (const Backend of [redis.RedisBackend, redis.RedisHighPerfBackend]) {
  const clients = [new Redis(url), new Redis(url)];
  const options = { prefix: `${prefix}-${build}-${Backend.name}`, logger: quiet };
  const writer = new core.Rollout(new Backend(clients[0], options), { logger: quiet });
  try {
    await writer.ready();
    await writer.addFunc('cdc_on', { percentage: 80, variants: ['foo', 'bar'] });
    await writer.register('cdc_on', '447568110000');
    await writer.register('cdc_on', /01$/);
    const reader = new core.Rollout(new Backend(clients[1], options), { logger: quiet });
    try {
      await reader.ready();
      const answers = { writer: {}, reader: {} };
      for (const id of ids) {
        answers.writer[id] = await writer.isEnabled('cdc_on', id);
        answers.reader[id] = await reader.isEnabled('cdc_on', id);
      }
      answers.readerVariant = await reader.variant('cdc_on', '443301');
      answers.readerFunc = await reader.getFunc('cdc_on');
      observed[Backend.name] = answers;
    } finally {
      await reader.close();
    }
  } finally {
    await writer.close();
    await Promise.all(clients.map((client) => client.quit()));
  }
}
process.stdout.write(JSON.stringify(observed));
