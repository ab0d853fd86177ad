import Table from 'cli-table3';

/** The streams and environment `hanoi` runs with; `process`'s by default. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/**
 * Everything a command prints goes through here: tables and sentences for
 * people, JSON for scripts (`--json`), notes and warnings on stderr.
 *
 * @example
 * const out = new Output(io, config.json);
 * await out.result({ name: 'beta', enabled: true }, () => 'beta: on');
 */
export class Output {
  constructor(
    private readonly io: CliIo,
    /** Whether results are printed as JSON. */
    readonly json: boolean,
  ) {}

  /**
   * Prints a command's result: `value` as JSON under `--json`, else what
   * `human()` returns (a line, or several).
   *
   * @example
   * await out.result({ removed: 'beta' }, () => 'removed beta');
   */
  result(value: unknown, human: () => string): Promise<void> {
    return this.write(this.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
  }

  /**
   * A table for people: plain borders, no colours, so it reads the same in a log.
   *
   * @example
   * out.table(['name', 'enabled'], [['beta', 'on']]);
   */
  table(head: string[], rows: string[][]): string {
    const table = new Table({ head, style: { head: [], border: [] } });
    table.push(...rows);
    return table.toString();
  }

  /**
   * Writes to stdout, waiting for the stream to drain when it is full, so a
   * large export never piles up in memory.
   *
   * @example
   * await out.write('{"features":[');
   */
  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const flushed = this.io.stdout.write(text, (err) => (err ? reject(err) : undefined));
      if (flushed) resolve();
      else this.io.stdout.once('drain', resolve);
    });
  }

  /**
   * A line on stderr for people (a warning, a skipped line): never mixed into
   * what scripts read from stdout.
   *
   * @example
   * out.note('line 7: skipped, an empty id');
   */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }
}
