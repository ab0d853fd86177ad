/**
 * Where a hanoi check spends its time, for the goals compare.ts reports:
 * runs one of our paths on one workload for a few seconds, to be run under
 * `node --cpu-prof`, then summarises the profile by function and line.
 *
 *   node --cpu-prof --cpu-prof-dir=results/prof --import tsx compare-profile.ts experiment view-first
 *   node --import tsx compare-profile.ts summarize results/prof/<file>.cpuprofile
 *
 * Paths: view-first (req.features, first check), view-fresh (await forUser
 * + check), await (await rollout.isEnabled / variant).
 */
import { readFileSync } from 'node:fs';
import { MemoryBackend, Rollout } from '@hanoi/core';
import { defineHanoi, makeWorkloads, type WorkloadKey } from './compare-workloads';

const SECONDS = 4;

async function profile(key: WorkloadKey, path: string): Promise<void> {
  const workloads = makeWorkloads();
  const w = workloads.find((candidate) => candidate.key === key);
  if (!w) throw new TypeError(`unknown workload ${key}: rollout, allowlist or experiment`);
  const rollout = new Rollout(new MemoryBackend());
  await defineHanoi(rollout, workloads);
  const { feature, ids } = w;
  const flag = w.kind === 'flag';
  const deadline = Date.now() + SECONDS * 1000;
  let tally = 0;
  let checks = 0;
  while (Date.now() < deadline) {
    if (path === 'view-first') {
      const views = [];
      for (const id of ids) views.push(await rollout.forUser(id));
      for (const view of views) if (flag ? view.isEnabled(feature) : view.variant(feature) === 'a') tally++;
    } else if (path === 'view-fresh') {
      for (const id of ids) {
        const view = await rollout.forUser(id);
        if (flag ? view.isEnabled(feature) : view.variant(feature) === 'a') tally++;
      }
    } else if (path === 'await') {
      for (const id of ids)
        if (flag ? await rollout.isEnabled(feature, id) : (await rollout.variant(feature, id)) === 'a') tally++;
    } else {
      throw new TypeError(`unknown path ${path}: view-first, view-fresh or await`);
    }
    checks += ids.length;
  }
  console.log(`${key} ${path}: ${checks.toLocaleString('en-US')} checks, tally ${tally}`);
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  positionTicks?: { line: number; ticks: number }[];
}

/** Self time by function and by line, as shares of all samples. */
function summarize(file: string): void {
  const { nodes, samples } = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const counts = new Map<number, number>();
  for (const id of samples) counts.set(id, (counts.get(id) ?? 0) + 1);
  const byFunction = new Map<string, number>();
  const byLine = new Map<string, number>();
  for (const node of nodes) {
    const self = counts.get(node.id) ?? 0;
    if (!self) continue;
    const { functionName, url } = node.callFrame;
    const where = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|work\/main)\//, '')}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + self);
    for (const tick of node.positionTicks ?? []) {
      const line = `${url.replace(/^.*\//, '')}:${tick.line} (${functionName || 'anonymous'})`;
      byLine.set(line, (byLine.get(line) ?? 0) + tick.ticks);
    }
  }
  const total = samples.length;
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((x, y) => y[1] - x[1])
      .slice(0, n)
      .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  console.log(`self time by function (${total} samples):\n${top(byFunction, 18).join('\n')}\n`);
  console.log(`self time by line:\n${top(byLine, 18).join('\n')}`);
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'summarize' && arg) summarize(arg);
else
  profile((mode ?? 'experiment') as WorkloadKey, arg ?? 'view-first').catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
