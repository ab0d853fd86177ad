// Before anything is timed, every contender answers for every id of the
// workload, and the answers must be what was configured: otherwise a fast
// figure could come from a rule that does not do the work.
import CRC32 from 'crc-32';
import type { Contender } from './compare-contenders';
import type { Workload } from './compare-workloads';

export interface SanityResult {
  /** What the contender answered, in a few words, for the table. */
  summary: string;
  /** ns per answer in this untimed pass: a first estimate for sizing timed passes. */
  nsEstimate: number;
}

const SANITY_BUDGET_MS = 5000;

/** Points a share may stray from `p` over `n` answers: 2, or four standard deviations on a small sample. */
const tolerance = (p: number, n: number) => Math.max(2, 400 * Math.sqrt((p * (1 - p)) / n));

const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;

/**
 * Asks `c` about every id of `w` and throws unless: on the rollout about half
 * are on (48..52%; exactly `crc32 % 100 < 50` for hanoi and the baselines);
 * on the allow-list exactly the listed ids are on; on the experiment only the
 * three variants are seen, each within 2 points of a third (wider bounds on a sample).
 */
export async function sanity(w: Workload, c: Contender): Promise<SanityResult> {
  // Every id, unless that would take more than SANITY_BUDGET_MS (Unleash on the
  // allow-list: about half a millisecond a check): then an odd stride through
  // all of them, so both listed and unlisted ids are asked, at least 2,000.
  const t0 = process.hrtime.bigint();
  const probe = Math.min(100, w.ids.length);
  for (let i = 0; i < probe; i++) await c.answer(w, w.ids[i]!);
  const probeNs = Number(process.hrtime.bigint() - t0) / probe;
  const full = (probeNs * w.ids.length) / 1e6 <= SANITY_BUDGET_MS;
  const stride = full ? 1 : Math.max(1, Math.floor(w.ids.length / 2000)) | 1;
  const ids = w.ids.filter((_, i) => i % stride === 0);
  const answers: (boolean | string | undefined)[] = new Array(ids.length);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < ids.length; i++) answers[i] = await c.answer(w, ids[i]!);
  const nsEstimate = Number(process.hrtime.bigint() - t1) / ids.length;
  const fail = (why: string): never => {
    throw new Error(`sanity: ${c.label} on "${w.title}": ${why}`);
  };
  const exact = c.family !== 'competitor';
  let summary: string;
  if (w.key !== 'rollout' && c.family.startsWith('baseline')) {
    summary = 'n/a (the same loop on every workload)';
  } else if (w.key === 'rollout') {
    let on = 0;
    let mismatched = 0;
    for (let i = 0; i < answers.length; i++) {
      if (typeof answers[i] !== 'boolean') fail(`answered ${String(answers[i])} for ${ids[i]}`);
      if (answers[i]) on++;
      if (exact && answers[i] !== (CRC32.str(ids[i]!) >>> 0) % 100 < w.percentage) mismatched++;
    }
    if (Math.abs((100 * on) / answers.length - w.percentage) > tolerance(w.percentage / 100, answers.length))
      fail(`${pct(on, answers.length)} on, configured ${w.percentage}%`);
    if (mismatched) fail(`${mismatched} answers differ from crc32 % 100 < ${w.percentage}`);
    summary = `${pct(on, answers.length)} on`;
  } else if (w.key === 'allowlist') {
    const listed = new Set(w.listed);
    let on = 0;
    for (let i = 0; i < answers.length; i++) {
      if (answers[i] !== listed.has(ids[i]!))
        fail(`answered ${String(answers[i])} for ${ids[i]} (listed: ${listed.has(ids[i]!)})`);
      if (answers[i]) on++;
    }
    summary = full
      ? `${on.toLocaleString('en-US')} on = the list`
      : `${on.toLocaleString('en-US')} on = the listed ones`;
  } else {
    const seen = new Map<string, number>();
    for (const answer of answers) {
      if (typeof answer !== 'string' || !w.variants.includes(answer))
        fail(`answered ${String(answer)}, not one of ${w.variants.join(', ')}`);
      seen.set(answer as string, (seen.get(answer as string) ?? 0) + 1);
    }
    for (const variant of w.variants) {
      const share = (100 * (seen.get(variant) ?? 0)) / answers.length;
      if (Math.abs(share - 100 / w.variants.length) > tolerance(1 / w.variants.length, answers.length))
        fail(`variant ${variant} has ${share.toFixed(1)}%`);
    }
    summary = w.variants.map((v) => `${v} ${pct(seen.get(v) ?? 0, answers.length)}`).join(', ');
  }
  if (!full) summary += ` (1 id in ${stride}: ${ids.length.toLocaleString('en-US')} asked)`;
  return { summary, nsEstimate };
}
