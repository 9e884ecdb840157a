// Child for tsync.test.ts: a worker thread loads a filter on itself alone, then the main thread
// loads one with TSYNC, which the kernel cannot apply to the worker. argv: the package URL,
// and "control" to skip the worker's own filter.
import { Worker } from 'node:worker_threads';

const [url, mode] = process.argv.slice(2);
const { compile, loadBpf, rawSyscall, Action, TsyncError } = await import(url);
const bpf = compile({ defaultAction: Action.allow, rules: [{ syscalls: ['getppid'], action: Action.errno(77) }] });
const worker = new Worker(`
  const { parentPort, workerData } = require('node:worker_threads');
  import(workerData.url).then(({ loadBpf, rawSyscall }) => {
    if (workerData.filter) loadBpf(workerData.bpf, { allThreads: false });
    parentPort.postMessage(rawSyscall('gettid').ret);
    setInterval(() => {}, 1000);
  });
`, { eval: true, workerData: { url, bpf, filter: mode !== 'control' } });
const workerTid = await new Promise((resolve) => worker.once('message', resolve));
let outcome;
try {
  loadBpf(bpf);
  outcome = { loaded: true, getppid: rawSyscall('getppid').errno };
} catch (err) {
  outcome = { loaded: false, name: err.name, tid: err.tid, errno: err.errno, isTsyncError: err instanceof TsyncError };
}
console.log(JSON.stringify({ workerTid, ...outcome }));
process.exit(0);
