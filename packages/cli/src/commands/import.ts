import type { PatternSpec, Rollout } from '@hanoi/core';
import type { Command } from 'commander';
import { readImportFile, readImportSegments, type ImportedFeature } from '../import-file';
import { importSegments, writeTargeting } from '../import-targeting';
import type { CliIo } from '../output';
import { writePipelined } from '../pipelined';
import { action, type OpenSession } from '../session';

const BATCH = 1000;
const IN_FLIGHT = 4;

/**
 * `hanoi import <file>`: checks the whole file first, then makes every
 * feature in it match the file exactly (switch, percentage, variants,
 * users, patterns). Features not in the file are left alone, or removed
 * with `--replace`.
 *
 * @example
 * addImportCommand(program, io, openRedisSession); // hanoi import features.json --replace
 */
export function addImportCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('import')
    .argument('<file>', 'a file written by hanoi export')
    .description('make the stored features match an export file (checked whole before anything is written)')
    .option('--replace', 'also remove the features that are not in the file')
    .action(
      action<{ replace?: boolean }>(open, io, async ([file], options, context) => {
        const features = await readImportFile(file!);
        const segments = await readImportSegments(file!);
        const result = await context.withRollout(async (rollout) => {
          await importSegments(rollout, segments);
          const existing = new Set(await rollout.listFuncs());
          const created: string[] = [];
          const updated: string[] = [];
          for (const feature of features) {
            (existing.has(feature.name) ? updated : created).push(feature.name);
            await writeFeature(rollout, feature);
          }
          const removed: string[] = [];
          if (options.replace) {
            const kept = new Set(features.map((feature) => feature.name));
            for (const name of [...existing].sort()) {
              if (kept.has(name)) continue;
              await rollout.remove(name);
              removed.push(name);
            }
          }
          return { created, updated, removed };
        });
        await context.out.result(result, () => {
          const { created, updated, removed } = result;
          const line = `imported ${features.length} feature(s): ${created.length} created, ${updated.length} updated`;
          return options.replace ? `${line}, ${removed.length} removed` : line;
        });
      }),
    );
}

async function writeFeature(rollout: Rollout, feature: ImportedFeature): Promise<void> {
  const { name } = feature;
  const before = await rollout.getFunc(name);
  await rollout.addFunc(name, { enabled: feature.enabled, percentage: feature.percentage, variants: feature.variants });
  await writeTargeting(rollout, name, feature, before);
  const wanted = new Set(feature.users);
  const had = new Set(before?.users ?? []);
  await inBatches(
    [...had].filter((id) => !wanted.has(id)),
    (ids) => rollout.unregister(name, ids),
  );
  await inBatches(
    [...wanted].filter((id) => !had.has(id)),
    (ids) => rollout.register(name, ids),
  );
  const key = (pattern: PatternSpec) => `${pattern.flags}/${pattern.source}`;
  const wantedPatterns = new Set(feature.patterns.map(key));
  const hadPatterns = new Set((before?.patterns ?? []).map(key));
  for (const pattern of before?.patterns ?? []) {
    if (!wantedPatterns.has(key(pattern))) await rollout.unregister(name, new RegExp(pattern.source, pattern.flags));
  }
  for (const pattern of feature.patterns) {
    if (!hadPatterns.has(key(pattern))) await rollout.register(name, new RegExp(pattern.source, pattern.flags));
  }
}

async function inBatches(ids: string[], write: (ids: string[]) => Promise<void>): Promise<void> {
  async function* batches() {
    for (let start = 0; start < ids.length; start += BATCH) yield ids.slice(start, start + BATCH);
  }
  await writePipelined(batches(), write, IN_FLIGHT);
}
