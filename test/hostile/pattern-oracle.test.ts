import { corpusIds, corpusPatterns } from '../support/pattern-corpus';
import { BACKEND_KINDS, openSubject, startStore, type Store } from './subjects';

// SPEC rule 6 through a store: each pattern of the corpus is registered on a
// feature of its own at 0%, read back by a second Rollout (on Redis, from the
// store over its own connection), and every id's answer is the native RegExp's.

const ORACLE_PATTERNS = corpusPatterns().filter((_, i) => i < 60 || i % 8 === 0);
const IDS = corpusIds();

describe.each(BACKEND_KINDS)('patterns through %s answer as RegExp', (kind) => {
  let store: Store | undefined;

  beforeAll(async () => {
    store = await startStore(kind);
  });
  afterAll(async () => {
    await store?.stop();
  });

  it(`agrees on ${ORACLE_PATTERNS.length} patterns x ${IDS.length} ids`, async () => {
    expect(ORACLE_PATTERNS.length).toBeGreaterThanOrEqual(300);
    const subject = await openSubject(kind, store?.address('oracle:'));
    try {
      const { rollout, reader } = subject;
      const features = ORACLE_PATTERNS.map(([source, flags], i) => ({ name: `p${i}`, re: new RegExp(source, flags) }));
      for (const { name, re } of features) {
        await rollout.addFunc(name, { percentage: 0 });
        await rollout.register(name, re);
      }
      await subject.settled();
      const disagreements: string[] = [];
      for (const id of IDS) {
        const view = await reader.forUser(id);
        for (const { name, re } of features) {
          if (view.isEnabled(name) !== re.test(id)) disagreements.push(`${re} on ${JSON.stringify(id)}`);
        }
      }
      expect(disagreements).toEqual([]);
      // One pattern per check path too.
      for (const id of IDS.slice(0, 20)) {
        expect(await reader.isEnabled('p2', id)).toBe(features[2]!.re.test(id));
      }
    } finally {
      await subject.close();
    }
  }, 120_000);
});
