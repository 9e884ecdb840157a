#!/usr/bin/env node
/**
 * In the guest: each compileLockdown() file cross-bpf.mjs made on x86_64 must be byte for byte
 * what compileLockdown() makes here on aarch64, and must load with lockdown({ bpf }) in a child
 * (never in this process) with the effect it promises: getpid allowed, ptrace and the denied
 * names refused with EPERM, status() reporting the filters.
 *
 *   node tools/aarch64/cross-check.mjs <dir written by cross-bpf.mjs>
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const EPERM = 1;
const pkg = new URL('../../packages/node/dist/index.js', import.meta.url).href;

if (process.argv[2] === '--child') {
  const [file, optionsFile] = process.argv.slice(3);
  const sdk = await import(pkg);
  const bytes = new Uint8Array(readFileSync(file));
  const options = JSON.parse(readFileSync(optionsFile, 'utf8'));
  const native = sdk.compileLockdown({ ...options, via: 'typescript' });
  const sameAsNative = Buffer.compare(Buffer.from(native), Buffer.from(bytes)) === 0;
  const result = sdk.lockdown({ bpf: bytes });
  const call = (...a) => sdk.rawSyscall(...a);
  const out = {
    arch: process.arch,
    sameAsNative,
    programs: result.programs ?? null,
    getpid: call('getpid'),
    ptrace: call('ptrace', 16, 0x3fffffff),
    getcpu: call('getcpu', null, null, null),
    allFiltered: sdk.status().allFiltered,
  };
  console.log(JSON.stringify(out));
  process.exit(0);
}

const dir = process.argv[2];
let failed = 0;
for (const f of readdirSync(dir).filter((n) => n.endsWith('.bpf'))) {
  const name = f.slice(0, -4);
  const options = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', join(dir, f), join(dir, `${name}.json`)], {
    encoding: 'utf8', env: { ...process.env, UV_USE_IO_URING: '0' }, timeout: 300_000,
  });
  try {
    assert.equal(r.status, 0, `child exit ${r.status} signal ${r.signal}\n${r.stderr}`);
    const o = JSON.parse(r.stdout.trim().split('\n').pop());
    assert.equal(o.arch, 'arm64');
    assert.equal(o.sameAsNative, true, 'the x86_64-made file differs from what compileLockdown() makes on aarch64');
    assert.ok(o.getpid.ret > 0 && o.getpid.errno === 0, `getpid: ${JSON.stringify(o.getpid)}`);
    assert.deepEqual([o.ptrace.ret, o.ptrace.errno], [-1, EPERM], 'ptrace must be refused');
    const getcpuDenied = (options.deny ?? []).includes('getcpu');
    assert.deepEqual([o.getcpu.ret === -1, o.getcpu.errno], getcpuDenied ? [true, EPERM] : [false, 0], `getcpu: ${JSON.stringify(o.getcpu)}`);
    assert.equal(o.allFiltered, true, 'every thread is filtered');
    console.log(`ok ${name}: loaded with lockdown({ bpf }) on aarch64, same bytes as made natively; ${JSON.stringify(o)}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${name}: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
