/**
 * What the chaos suites (Redis and PostgreSQL) check of an app under load:
 * the answers before anything fails, the wait for a change to show, and
 * every sample of a run against the phase it ran in.
 */
import { HanoiError } from '@hanoi/core';
import { sleep } from '../support/http-frameworks';
import { LISTED, steadyAnswers, USERS, type CheckAnswer } from './chaos-app';
import { runLoad, type Sample } from './load';

/**
 * When the store was failing (from `failing`, when the fault began, to
 * `killed`, when it had surely taken effect), when it was back, when another
 * process changed it, and when the app showed it.
 */
export interface Marks {
  failing?: number;
  killed: number;
  restarting: number;
  changed: number;
  seen: number;
}

/**
 * Asks `url` for every user's answers while all is well, checks them, and
 * returns each user's variant, to compare with later.
 *
 * @example
 * const variants = await warmUp(http.url, 2000);
 */
export async function warmUp(url: string, boundMs: number): Promise<Map<string, string | null>> {
  const variants = new Map<string, string | null>();
  const warm = await runLoad({
    url,
    loops: 4,
    durationMs: 60_000,
    maxPerLoop: USERS.length / 4,
    boundMs,
    next: (l, n) => ({ path: '/check', user: USERS[l * 10 + n]! }),
  });
  for (const s of warm) {
    expect([s.user, s.status]).toEqual([s.user, 200]);
    const answer = JSON.parse(s.body) as CheckAnswer;
    expect(answer).toMatchObject({
      ...steadyAnswers(s.user),
      listed: LISTED.has(s.user),
      late: false,
      guard: LISTED.has(s.user) ? 'ran' : 'denied',
    });
    variants.set(s.user, answer.variant);
  }
  expect(variants.size).toBe(USERS.length);
  return variants;
}

/**
 * Asks `url` for `user`'s answers (one request at a time) until `done`
 * holds, for at most `ms`; resolves with when the answer that did came
 * back (Date.now()), or 0 if none did.
 *
 * @example
 * const seen = await answerShows(url, 'u-0', (a) => a.late, 5000);
 */
export async function answerShows(
  url: string,
  user: string,
  done: (answer: CheckAnswer) => boolean,
  ms: number,
): Promise<number> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const [probe] = await runLoad({
      url,
      loops: 1,
      durationMs: 1,
      maxPerLoop: 1,
      boundMs: 2000,
      next: () => ({ path: '/check', user }),
    });
    if (probe && probe.status === 200 && done(JSON.parse(probe.body) as CheckAnswer)) return probe.end;
    await sleep(10);
  }
  return 0;
}

/**
 * Every sample against what the store's failure allows, for the phase it
 * ran in: no request failed or ran past its bound; percentages, patterns,
 * disabled features and variants never moved; a listed user read as listed
 * where the process holds the lists, as not listed while the store was away
 * where it looks them up; a guard never let in a user who was not listed.
 * Returns how many listed users asked while the store was away.
 *
 * @example
 * const outage = checkSamples(samples, marks, variants, true);
 */
export function checkSamples(
  samples: Sample[],
  marks: Marks,
  variants: Map<string, string | null>,
  usersInStore: boolean,
): number {
  expect(
    samples
      .filter((s) => s.status === 0 || s.status >= 500)
      .map((s) => `${s.path} ${s.user}: ${s.status} ${s.error ?? s.body}`),
  ).toEqual([]);
  let outage = 0;
  for (const s of samples) {
    const isListed = LISTED.has(s.user);
    const during = s.start >= marks.killed && s.end <= marks.restarting;
    const before = s.end < (marks.failing ?? marks.killed);
    const after = s.start > marks.seen;
    // A listed user: a process holding the lists answers from memory; one looking them up cannot while the store is away.
    const listedNow: boolean | 'either' = !isListed
      ? false
      : !usersInStore
        ? true
        : during
          ? false
          : before || after
            ? true
            : 'either';
    if (during && isListed) outage++;
    if (s.path === '/beta') {
      expect([s.user, s.status]).toEqual([s.user, listedNow === 'either' ? expect.any(Number) : listedNow ? 200 : 404]);
      expect([200, 404]).toContain(s.status);
      continue;
    }
    const answer = JSON.parse(s.body) as CheckAnswer;
    expect({ user: s.user, ...answer }).toMatchObject({
      user: s.user,
      ...steadyAnswers(s.user),
      variant: variants.get(s.user),
    });
    if (s.end < marks.changed) expect(answer.late).toBe(false);
    if (s.start > marks.seen) expect(answer.late).toBe(true);
    if (listedNow !== 'either')
      expect({ user: s.user, listed: answer.listed, guard: answer.guard }).toEqual({
        user: s.user,
        listed: listedNow,
        guard: listedNow ? 'ran' : 'denied',
      });
    else expect(answer.guard).toBe(answer.listed ? 'ran' : 'denied');
  }
  return outage;
}

/**
 * Runs `write` until it resolves, for at most `ms`: a process whose
 * connections the server dropped may fail once before its pool has fresh ones,
 * and a first write after a restart may be refused by its deadline under load.
 * Only HANOI_BACKEND_UNAVAILABLE (nothing was written) is tried again.
 *
 * @example
 * await writeEventually(() => other.rollout.addFunc('new_search', { percentage: 100 }), 15_000);
 */
export async function writeEventually(write: () => Promise<unknown>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await write();
      return;
    } catch (err) {
      const retry = err instanceof HanoiError && err.code === 'HANOI_BACKEND_UNAVAILABLE' && Date.now() < until;
      if (!retry) throw err;
      await sleep(100);
    }
  }
}
