/** The Runs pages: every execution, and one execution's timeline of states with its error and cause. */
import { duration, esc, statusBadge, table } from './html.ts';
import type { RunSummary, RunView } from './read-runs.ts';
import { href } from './routes.ts';
import type { StateTiming } from '../ports/workflow.ts';
import type { HistoryEvent } from '../ports/execution-source.ts';

export function runsBody(runs: RunSummary[], root: string): string {
  if (runs.length === 0) return '<p class="empty">No runs yet.</p>';
  const rows = runs.map((run) => {
    const { record, kind, mode } = run;
    const failed = whereItFailed(record.states);
    return [
      `<a href="${esc(root + href.run(record.executionId))}">${esc(record.executionId)}</a>`,
      esc(kind ?? '—'),
      versionCell(run, root) ?? '—',
      esc(mode ?? '—'),
      statusBadge(record.status),
      esc(record.startedAt),
      duration(record.startedAt, record.stoppedAt),
      failed ? `<span class="state-failed">${esc(failed)}</span>` : '',
      esc(record.error ?? ''),
    ];
  });
  return table(['Run', 'Kind', 'Version', 'Mode', 'Status', 'Started', 'Took', 'Failed in', 'Error'], rows, 'runs');
}

/** The version a run trained: a link while the registry has it, its name alone once `mizan gc` deleted it. */
function versionCell({ kind, version, versionExists }: RunSummary, root: string): string | undefined {
  if (!kind || !version) return undefined;
  return versionExists ? `<a href="${esc(root + href.version(kind, version))}">${esc(version)}</a>` : `${esc(version)} <small>(deleted)</small>`;
}

/**
 * The state the failure started in: the failed state that ended first (a Map iteration fails before
 * its Map, a task before the terminal "Training failed"); on a tie the later entered, the inner one.
 */
function whereItFailed(states: StateTiming[]): string | undefined {
  let first: StateTiming | undefined;
  for (const state of states) {
    if (state.status !== 'FAILED') continue;
    if (!first || (state.endedAt ?? '') <= (first.endedAt ?? '')) first = state;
  }
  return first?.name;
}

export function runBody(run: RunView, root: string, now: string): string {
  const { record, kind, mode } = run;
  const end = record.stoppedAt ?? now;
  const item = (term: string, value: string) => `<dt>${term}</dt><dd>${value}</dd>`;
  const summary = `<dl class="summary">
${item('Status', statusBadge(record.status) + (record.status === 'RUNNING' ? ' <small>(this page reloads every 5 s)</small>' : ''))}
${kind ? item('Kind', `<a href="${esc(root + href.kind(kind))}">${esc(kind)}</a>`) : ''}
${versionCell(run, root) ? item('Version', versionCell(run, root)!) : ''}
${mode ? item('Mode', esc(mode)) : ''}
${item('Started', esc(record.startedAt))}
${record.stoppedAt ? item('Stopped', esc(record.stoppedAt)) : ''}
${item(record.stoppedAt ? 'Took' : 'Running for', duration(record.startedAt, end))}
</dl>`;
  return [summary, failure(run), timeline(run, end)].join('\n');
}

function failure(run: RunView): string {
  const { record, versionRecord } = run;
  if (!record.error && !record.cause) return '';
  // The registry's cause is the trainer's own words (what `mizan train` prints); the state machine's is the raw task output.
  const cause = versionRecord?.error?.cause ?? readableCause(record.cause);
  return `<section class="failure"><h2>Error</h2>
<p class="error">${esc(record.error ?? versionRecord?.error?.error ?? '')}</p>
<p class="cause">${esc(cause)}</p>
${record.cause ? `<details><summary>Cause as the state machine recorded it</summary><pre>${esc(pretty(record.cause))}</pre></details>` : ''}
</section>`;
}

function timeline(run: RunView, end: string): string {
  const { record } = run;
  if (record.states.length === 0) return '<section><h2>Timeline</h2><p>No state entered yet.</p></section>';
  const t0 = Date.parse(record.startedAt);
  const span = Math.max(1, Date.parse(end) - t0);
  const failedEvents = new Map<string, HistoryEvent>();
  for (const e of record.events ?? []) {
    if (e.type === 'StateFailed' && e.state) failedEvents.set(e.index === undefined ? e.state : `${e.state} [${e.item ?? e.index}]`, e);
  }
  const rows = record.states.map((state) => {
    const start = Date.parse(state.startedAt) - t0;
    const stop = Date.parse(state.endedAt ?? end) - t0;
    const left = (100 * start) / span;
    const width = Math.max(0.4, (100 * (stop - start)) / span);
    const failedEvent = state.status === 'FAILED' ? failedEvents.get(state.name) : undefined;
    const inMap = /\[.+\]$/.test(state.name);
    return `<tr class="state state-${state.status.toLowerCase()}${inMap ? ' map-item' : ''}">
<td class="state-name">${esc(state.name)}</td><td>${statusBadge(state.status)}${state.status === 'RUNNING' && record.stoppedAt ? ' <small>(no exit recorded before the run stopped)</small>' : ''}</td><td>+${duration(record.startedAt, state.startedAt)}</td><td>${duration(state.startedAt, state.endedAt ?? end)}</td>
<td class="bar-cell"><div class="bar bar-${state.status.toLowerCase()}" style="margin-left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%"></div></td>
</tr>${failedEvent ? `<tr class="state-cause"><td></td><td colspan="4"><span class="state-failed">${esc(failedEvent.error ?? '')}</span>: ${esc(readableCause(failedEvent.cause))}</td></tr>` : ''}`;
  });
  return `<section><h2>Timeline</h2>
<p class="note">Each state as the event history recorded it; a Map's iterations carry the snapshot year in brackets.</p>
<table class="timeline"><thead><tr><th>State</th><th>Status</th><th>Started</th><th>Took</th><th class="bar-cell">Timeline</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table></section>`;
}

/** A Batch job's cause is its JSON description: its StatusReason is the sentence a person wants. */
function readableCause(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause) as { StatusReason?: unknown; errorMessage?: unknown };
    if (typeof parsed.StatusReason === 'string') return parsed.StatusReason;
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: shown as it is
  }
  return cause;
}

function pretty(cause: string): string {
  try {
    return JSON.stringify(JSON.parse(cause), null, 2);
  } catch {
    return cause;
  }
}
