import { readFile } from 'node:fs/promises';
import {
  assertName,
  assertPercentage,
  HanoiError,
  InvalidArgumentError,
  normalizeUserId,
  normalizeVariants,
  patternSpec,
  type PatternSpec,
  type Variant,
} from '@hanoi/core';
import { UsageError } from './exit-codes';
import { checkSegments, checkTargeting, type ImportedSegment, type ImportedTargeting } from './import-targeting';

/** One feature of an export file, checked and ready to write. */
export interface ImportedFeature extends ImportedTargeting {
  name: string;
  enabled: boolean;
  percentage: number;
  variants: Variant[];
  users: string[];
  patterns: PatternSpec[];
}

/** The version `hanoi export` writes and `hanoi import` reads. */
export const EXPORT_FORMAT = 1;

/**
 * Reads and checks an export file whole: `{ "hanoi": 1, "features": [...] }`
 * (or a bare array of features), each as `getFunc` returns it. Fields left
 * out take `addFunc`'s defaults (on, 0%, no users, patterns or variants).
 * Any fault is a `UsageError` naming the feature and the field; nothing is
 * written by this function.
 *
 * @example
 * const features = await readImportFile('features.json');
 */
export async function readImportFile(path: string): Promise<ImportedFeature[]> {
  const parsed = await readExport(path);
  const list = exportedFeatures(parsed);
  if (list === undefined) {
    throw new UsageError(
      `${path} is not a hanoi export: expected { "hanoi": ${EXPORT_FORMAT}, "features": [...] } or a list of features, not ${describeShape(parsed)}.`,
    );
  }
  const seen = new Set<string>();
  return list.map((entry: unknown, index) => {
    const where = `${path}: feature #${index + 1}${describeName(entry)}`;
    try {
      const feature = checkFeature(entry);
      if (seen.has(feature.name)) throw new UsageError('the name appears twice in the file');
      seen.add(feature.name);
      return feature;
    } catch (err) {
      if (err instanceof HanoiError) throw new UsageError(`${where}: ${err.message}`);
      throw err;
    }
  });
}

/** An export file, parsed: one way of reading it for its features and its segments. */
async function readExport(path: string): Promise<unknown> {
  try {
    // Strict UTF-8: a byte that is not UTF-8 is refused, never read as U+FFFD; a leading BOM is dropped.
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await readFile(path))) as unknown;
  } catch (err) {
    throw new UsageError(
      `Cannot read ${path} as JSON in UTF-8: ${(err as Error).message}. Give a file written by hanoi export.`,
    );
  }
}

/** The list of features an export holds: the file is that list, or `{ hanoi: 1, features: [...] }`. */
function exportedFeatures(parsed: unknown): unknown[] | undefined {
  if (Array.isArray(parsed)) return parsed;
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { hanoi, features } = parsed as { hanoi?: unknown; features?: unknown };
  if (hanoi !== undefined && hanoi !== EXPORT_FORMAT) return undefined;
  return Array.isArray(features) ? features : undefined;
}

function describeShape(parsed: unknown): string {
  if (parsed === null) return 'null';
  if (typeof parsed !== 'object') return `a ${typeof parsed}`;
  const { hanoi, features } = parsed as { hanoi?: unknown; features?: unknown };
  if (hanoi !== undefined && hanoi !== EXPORT_FORMAT) return `version ${String(JSON.stringify(hanoi)).slice(0, 40)}`;
  return features === undefined ? 'an object without "features"' : '"features" that is not a list';
}

/**
 * The segments of an export file (`"segments": [...]`, written when the
 * rollout has any), checked; a fault is a `UsageError`.
 *
 * @example
 * const segments = await readImportSegments('features.json');
 */
export async function readImportSegments(path: string): Promise<ImportedSegment[]> {
  const parsed = (await readExport(path)) as { segments?: unknown } | unknown[];
  try {
    return Array.isArray(parsed) ? [] : checkSegments(parsed.segments);
  } catch (err) {
    if (err instanceof HanoiError) throw new UsageError(`${path}: segments: ${err.message}`);
    throw err;
  }
}

function checkFeature(entry: unknown): ImportedFeature {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new InvalidArgumentError('feature', entry, 'Each feature is an object such as hanoi export writes.');
  }
  const raw = entry as Record<string, unknown>;
  const enabled = raw.enabled ?? true;
  if (typeof enabled !== 'boolean') throw new InvalidArgumentError('enabled', enabled, 'enabled is true or false.');
  return {
    name: assertName(raw.name),
    enabled,
    percentage: assertPercentage(raw.percentage ?? 0),
    variants: normalizeVariants(raw.variants ?? []),
    users: arrayOf(raw.users, 'users').map((id) => normalizeUserId(id)),
    patterns: arrayOf(raw.patterns, 'patterns').map(checkPattern),
    ...checkTargeting(raw),
  };
}

function checkPattern(value: unknown): PatternSpec {
  const { source, flags } = (value ?? {}) as { source?: unknown; flags?: unknown };
  if (typeof source !== 'string' || (flags !== undefined && typeof flags !== 'string')) {
    throw new InvalidArgumentError('pattern', value, 'A pattern is { "source": "01$", "flags": "" }.');
  }
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, flags ?? '');
  } catch (err) {
    throw new InvalidArgumentError('pattern', value, `It is not a regular expression: ${(err as Error).message}.`);
  }
  return patternSpec(pattern);
}

function arrayOf(value: unknown, field: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidArgumentError(field, value, `${field} is an array.`);
  return value;
}

function describeName(entry: unknown): string {
  const name = (entry as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? ` (${JSON.stringify(name.slice(0, 130))})` : '';
}
