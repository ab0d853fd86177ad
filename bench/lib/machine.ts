import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

/** What a benchmark ran on, to print beside its figures. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
}

/**
 * The machine this process runs on: CPU model (from /proc/cpuinfo on Linux),
 * cores available to it, memory, Node version and platform.
 *
 * @example
 * const { cpu, cores, node } = describeMachine();
 */
export function describeMachine(): Machine {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

/**
 * One line describing the machine, for the top of a benchmark's output.
 *
 * @example
 * console.log(machineLine()); // 'Intel(R) Xeon(R) Processor, 2 cores, 4 GiB, node v20.20.2, linux-x64'
 */
export function machineLine(machine: Machine = describeMachine()): string {
  return `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, node ${machine.node}, ${machine.platform}`;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1]!.trim();
  } catch {
    // Not Linux: fall through to what os.cpus() says.
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}
