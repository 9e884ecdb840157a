/**
 * The line protocol between a child process and its parent, for the conformance suite and the
 * benchmarks alike: the child writes each report as one line on stdout, `@@ ` then JSON; the
 * parent picks those lines out of whatever else the child prints (a scenario's own output, a
 * runtime's warnings). A report in one line, written at once, stays whole even when the
 * kernel kills the child right after.
 *
 * It imports nothing: a benchmark child loads it beside the work it times.
 */
export const REPORT_PREFIX = '@@ ';

/** What a child reports of an error it caught: the fields the SDK's errors carry. */
export interface ErrorReport {
  name?: string;
  message?: string;
  code?: string;
  errno?: number;
  op?: string;
  suggestions?: string[];
  problems?: string[];
  /** Only when asked for: the benchmarks print it; the suite's assertions read fields. */
  stack?: string;
}

/** A report's line, without the newline. JSON has no bigint, so one is written as "<digits>n". */
export function reportLine(value: unknown): string {
  return `${REPORT_PREFIX}${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
}

/** The report a line carries, or undefined when the line is not a report. */
export function parseReportLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith(REPORT_PREFIX)) return undefined;
  return JSON.parse(line.slice(REPORT_PREFIX.length)) as Record<string, unknown>;
}

/** Every report in a child's stdout, in order. Pass whole lines: a report cut short does not parse. */
export function parseReports(stdout: string): Record<string, unknown>[] {
  const reports: Record<string, unknown>[] = [];
  for (const line of stdout.split('\n')) {
    const report = parseReportLine(line);
    if (report) reports.push(report);
  }
  return reports;
}

export function errorReport(err: unknown, options: { stack?: boolean } = {}): ErrorReport {
  const e = err as ErrorReport | null | undefined;
  return {
    name: e?.name, message: e?.message, code: e?.code, errno: e?.errno, op: e?.op, suggestions: e?.suggestions, problems: e?.problems,
    ...(options.stack ? { stack: e?.stack } : {}),
  };
}
