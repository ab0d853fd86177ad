import type { Command } from 'commander';
import { EXPORT_FORMAT } from '../import-file';
import { exportSegments } from '../import-targeting';
import type { CliIo } from '../output';
import { action, type OpenSession } from '../session';

/**
 * `hanoi export`: every feature as `getFunc` returns it, users included, as
 * JSON on stdout (`--json` or not): `{ "hanoi": 1, "features": [...] }`, one
 * feature per line, written one feature at a time.
 *
 * @example
 * addExportCommand(program, io, openRedisSession); // hanoi export > features.json
 */
export function addExportCommand(program: Command, io: CliIo, open: OpenSession): void {
  program
    .command('export')
    .description('print every feature, users included, as JSON (for hanoi import)')
    .action(
      action(open, io, async (_args, _options, context) => {
        await context.withRollout(async (rollout) => {
          const names = (await rollout.listFuncs()).sort();
          const segments = await exportSegments(rollout);
          const segmentsField = segments.length > 0 ? `"segments":${JSON.stringify(segments)},` : '';
          await context.out.write(`{"hanoi":${EXPORT_FORMAT},${segmentsField}"features":[`);
          let first = true;
          for (const name of names) {
            const snapshot = await rollout.getFunc(name);
            if (!snapshot) continue; // removed while we were exporting
            await context.out.write(`${first ? '' : ','}\n${JSON.stringify(snapshot)}`);
            first = false;
          }
          await context.out.write(`${first ? '' : '\n'}]}\n`);
        });
      }),
    );
}
