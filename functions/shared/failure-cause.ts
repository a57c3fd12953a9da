/**
 * A readable cause for a failed run. A failed `batch:submitJob.sync` task's Cause is the
 * DescribeJobs JSON of the job; its StatusReason (locally: the trainer's own error line) is what
 * a person needs. Other causes (a Lambda's error message) pass through.
 */
export function summariseCause(cause: string | undefined): string {
  if (!cause) return 'unknown cause';
  try {
    const job = JSON.parse(cause) as { StatusReason?: unknown; Container?: { Reason?: unknown; ExitCode?: unknown } };
    if (job && typeof job === 'object' && typeof job.StatusReason === 'string') {
      const containerReason = typeof job.Container?.Reason === 'string' ? job.Container.Reason : undefined;
      const reason = containerReason && containerReason !== job.StatusReason ? `${job.StatusReason}: ${containerReason}` : job.StatusReason;
      const exit = typeof job.Container?.ExitCode === 'number' ? ` (exit code ${job.Container.ExitCode})` : '';
      return `${reason}${exit}`;
    }
  } catch {
    // not JSON: a plain message
  }
  return cause;
}
