import { SegmentNotFoundError } from './errors';
import type { SegmentFields, SegmentSnapshot, SegmentState } from './segments';

interface StoredSegment {
  users: Set<string>;
  state: SegmentState;
}

/**
 * Segments in this process's memory: the segment half of `MemoryBackend`.
 *
 * @example
 * class MemoryBackend extends MemorySegments implements Backend { ... }
 */
export class MemorySegments {
  private readonly segments = new Map<string, StoredSegment>();

  peekSegment(name: string): SegmentState | undefined {
    return this.segments.get(name)?.state;
  }

  async getSegment(name: string): Promise<SegmentSnapshot | undefined> {
    const stored = this.segments.get(name);
    if (!stored) return undefined;
    return { name, users: [...stored.users], constraints: structuredClone([...stored.state.constraints]) };
  }

  async listSegments(): Promise<string[]> {
    return [...this.segments.keys()];
  }

  async defineSegment(name: string, fields: SegmentFields): Promise<void> {
    const stored = this.segments.get(name);
    const users = fields.users ? new Set(fields.users) : (stored?.users ?? new Set<string>());
    const constraints = fields.constraints ? structuredClone(fields.constraints) : (stored?.state.constraints ?? []);
    this.segments.set(name, { users, state: { name, users, constraints } });
  }

  async registerSegmentUsers(name: string, userIds: readonly string[]): Promise<void> {
    const stored = this.segment(name);
    for (const id of userIds) stored.users.add(id);
  }

  async unregisterSegmentUsers(name: string, userIds: readonly string[]): Promise<void> {
    const stored = this.segment(name);
    for (const id of userIds) stored.users.delete(id);
  }

  async removeSegment(name: string): Promise<void> {
    this.segment(name);
    this.segments.delete(name);
  }

  private segment(name: string): StoredSegment {
    const stored = this.segments.get(name);
    if (!stored) throw new SegmentNotFoundError(name);
    return stored;
  }
}
