import type { ForecasterKind } from '../config/model-kinds.ts';
import { FORECASTER_KINDS, isForecasterKind } from '../models/kinds.ts';

/** A snapshot cutoff: the last day of a year, `YYYY-12-31`. */
export const YEAR_END_PATTERN = /^\d{4}-12-31$/;

export function assertYearEnd(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !YEAR_END_PATTERN.test(value)) {
    throw new Error(`invalid snapshot year end ${JSON.stringify(value)}: expected YYYY-12-31, e.g. 2020-12-31`);
  }
}

export function assertForecasterKind(value: unknown): asserts value is ForecasterKind {
  if (typeof value !== 'string' || !isForecasterKind(value)) {
    throw new Error(`snapshots exist only for forecasters (${FORECASTER_KINDS.join(', ')}), not ${JSON.stringify(value)}`);
  }
}

/** `models/snapshots/{kind}/{yearEnd}`: the snapshot's files and its metadata.json (the commit marker). */
export function snapshotPrefix(kind: ForecasterKind, yearEnd: string): string {
  assertYearEnd(yearEnd);
  return `models/snapshots/${kind}/${yearEnd}`;
}

export function snapshotsRoot(kind: ForecasterKind): string {
  return `models/snapshots/${kind}`;
}

/** Where a run records what it did with one year: `runs/{kind}/{version}/snapshots/{yearEnd}.json`. */
export function outcomesPrefix(kind: ForecasterKind, version: string): string {
  return `runs/${kind}/${version}/snapshots`;
}

export function outcomeKey(kind: ForecasterKind, version: string, yearEnd: string): string {
  assertYearEnd(yearEnd);
  return `${outcomesPrefix(kind, version)}/${yearEnd}.json`;
}

/** Where a run stores its walk-forward score (hit rate and rank IC per snapshot year): `runs/{kind}/{version}/walk-forward.json`. */
export function walkForwardKey(kind: ForecasterKind, version: string): string {
  return `runs/${kind}/${version}/walk-forward.json`;
}
