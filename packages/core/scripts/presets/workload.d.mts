// Types for workload.mjs, which the measuring servers run as plain JavaScript in each runtime.
export const ROUTES: readonly string[];
export const MARKER: string;
export function handle(path: string, body: string, port: number): Promise<string | undefined>;
