/**
 * The TypeScript examples of a README, as programs: every ```ts block is one
 * program, and every `console.log(...); // → text` line in it says what that
 * log prints. Blocks that only declare types (`declare module`) are
 * type-checked but not run; blocks that follow an `<!-- not run -->` comment
 * are left out.
 */
import { readFileSync } from 'node:fs';

export interface Snippet {
  /** The line of the README the block starts on. */
  readonly line: number;
  readonly code: string;
  /** False for a block that only declares types: it is type-checked, not run. */
  readonly runs: boolean;
  /** What each `// →` log prints, in order. */
  readonly expected: string[];
}

const FENCE = /^```(ts|typescript)\s*$/;

export function readSnippets(path: string): Snippet[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (!FENCE.test(lines[i]!)) continue;
    const skip = /<!--\s*not run\s*-->/.test(lines[i - 1] ?? '') || /<!--\s*not run\s*-->/.test(lines[i - 2] ?? '');
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end += 1;
    const body = lines.slice(start, end);
    i = end;
    if (skip) continue;
    const runs = !body.some((line) => line.startsWith('declare module'));
    const expected = body
      .map((line) => /console\.log\(.*\/\/ → (.*)$/.exec(line)?.[1])
      .filter((text): text is string => text !== undefined);
    // Each block is a module of its own; a `declare module` block imports what it augments, as a user's file would.
    const code = runs
      ? `${body.join('\n')}\nprocess.exit(0);\nexport {};\n`
      : `${body.join('\n')}\nimport type {} from '@hanoi/core';\n`;
    snippets.push({ line: start, code, runs, expected });
  }
  return snippets;
}
