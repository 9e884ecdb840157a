// The cold-start path, build step: compile the same filters server.mjs installs into a file
// that lockdown({ bpf }) loads later without libseccomp. Run at build or deploy time:
//   node build-bpf.mjs [out.bpf]
import { writeFileSync } from 'node:fs';
import { compileLockdown, decodeLockdownBpf } from '@seccomp/node';

const out = process.argv[2] ?? new URL('./lockdown.bpf', import.meta.url).pathname;
const bytes = compileLockdown({ preset: 'node', readOnlyFs: true });
writeFileSync(out, bytes);
const { meta, programs } = decodeLockdownBpf(bytes);
console.log(`${out}: ${bytes.length} bytes, ${programs.length} programs (${programs.map((p) => p.length / 8).join(' + ')} instructions), preset ${meta.preset}, compiled by ${meta.compiler}`);
