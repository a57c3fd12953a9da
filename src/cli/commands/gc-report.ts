/** `mizan gc`'s answer in words: what goes (or went), with its bytes, and why the rest stays. */
import type { GcReport } from '../../retention/collect-garbage.ts';

export function formatGcReport(report: GcReport, where: string): string {
  const dry = report.dryRun;
  const versions = dry ? report.plan.versions : report.deleted.versions;
  const snapshots = dry ? report.plan.snapshots : report.deleted.snapshots;
  const bytes = dry ? report.plan.bytes : report.deleted.bytes;
  const lines = [
    `${dry ? 'would delete' : 'deleted'} ${versions.length} version(s) and ${snapshots.length} snapshot(s) in ${where}, ${dry ? 'freeing' : 'freed'} ${bytes.toLocaleString('en-US')} bytes`,
  ];
  const pendingCount = report.pending.versions.length + report.pending.snapshots.length;
  if (pendingCount > 0) lines.push(`${dry ? 'an interrupted gc left' : 'finished'} ${pendingCount} deletion(s) ${dry ? 'to finish (the next gc without --dry-run does)' : 'an interrupted gc left'}`);
  for (const v of versions) lines.push(`  ${v.kind.padEnd(12)} ${v.version}  ${v.status.padEnd(9)} ${v.bytes.toLocaleString('en-US').padStart(12)} bytes`);
  for (const s of snapshots) lines.push(`  ${`${s.kind} snapshot`.padEnd(12)} ${s.yearEnd}  ${(s.key ?? 'unfinished').padEnd(20)} ${s.bytes.toLocaleString('en-US').padStart(12)} bytes`);
  for (const s of report.skipped) lines.push(`  left ${s.kind} ${s.name}: ${s.why}`);
  lines.push(`kept ${report.plan.kept.length} version(s) and ${report.plan.keptSnapshots.length} snapshot(s):`);
  for (const k of report.plan.kept) lines.push(`  ${k.kind.padEnd(12)} ${k.version}  ${k.why.join('; ')}`);
  for (const k of report.plan.keptSnapshots) lines.push(`  ${`${k.kind} snapshot`.padEnd(12)} ${k.yearEnd}  ${k.why.join('; ')}`);
  return lines.join('\n');
}
