// The compiler's cold-path shortcuts give what the straightforward way gives: the linker's
// passes over flat arrays, and dispatch segments from a typed-array sort. Each is checked
// against a plain reference written here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W } from '../src/bpf/opcodes.js';
import { decodeBpf, type SockFilter } from '../src/abi.js';
import { Assembler, type Label, type RetSource } from '../src/compile/asm.js';
import { Points, segmentsFor, type Segment } from '../src/compile/dispatch.js';

// ---- the linker, against a reference that works on item objects, pass by pass ----

type Op =
  | { op: 'place'; id: Label }
  | { op: 'load'; k: number }
  | { op: 'and'; k: number }
  | { op: 'branch'; jop: number; k: number; t: Label; f: Label }
  | { op: 'goto'; to: Label }
  | { op: 'ret'; value: number; source: RetSource; label: Label };

type Item =
  | { kind: 'label'; id: Label }
  | { kind: 'ld' | 'and'; k: number }
  | { kind: 'jmp'; jop: number; k: number; t: Label; f: Label }
  | { kind: 'ja'; to: Label }
  | { kind: 'ret'; k: number; source: RetSource };

/** The accumulator as a string (`ld:16`, `ld:16&255`), 'unknown' or 'unreached'. */
function dropLoads(items: readonly Item[]): Item[] {
  const meet = (a: string, b: string) => (a === 'unreached' ? b : b === 'unreached' ? a : a === b ? a : 'unknown');
  const at = new Map<Label, string>();
  const reach = (id: Label, s: string) => at.set(id, meet(at.get(id) ?? 'unreached', s));
  const out: Item[] = [];
  let acc = 'unknown';
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    if (it.kind === 'label') acc = meet(acc, at.get(it.id) ?? 'unreached');
    else if (it.kind === 'ld') {
      const next = items[i + 1];
      if (next?.kind === 'and' && acc === `ld:${it.k}&${next.k}`) {
        i++;
        continue;
      }
      if (acc === `ld:${it.k}`) continue;
      acc = `ld:${it.k}`;
    } else if (it.kind === 'and') acc = acc.startsWith('ld:') && !acc.includes('&') ? `${acc}&${it.k}` : 'unknown';
    else if (it.kind === 'jmp') {
      reach(it.t, acc);
      reach(it.f, acc);
      acc = 'unreached';
    } else if (it.kind === 'ja') {
      reach(it.to, acc);
      acc = 'unreached';
    } else acc = 'unreached';
    out.push(it);
  }
  return out;
}

function pcs(items: readonly Item[]): { pcOf: Map<Label, number>; atLabel: Map<Label, Item> } {
  const pcOf = new Map<Label, number>();
  const atLabel = new Map<Label, Item>();
  const pending: Label[] = [];
  let pc = 0;
  for (const it of items) {
    if (it.kind === 'label') {
      pcOf.set(it.id, pc);
      pending.push(it.id);
      continue;
    }
    for (const id of pending) atLabel.set(id, it);
    pending.length = 0;
    pc++;
  }
  return { pcOf, atLabel };
}

/** Trampolines inserted pass by pass, each right after its jump, until every jump reaches. */
function referenceLink(ops: readonly Op[], labels: number): { program: SockFilter[]; provenance: Map<number, RetSource> } {
  const items: Item[] = [];
  const pool: [Label, Item][] = [];
  for (const o of ops) {
    if (o.op === 'place') items.push({ kind: 'label', id: o.id });
    else if (o.op === 'load') items.push({ kind: 'ld', k: o.k });
    else if (o.op === 'and') items.push({ kind: 'and', k: o.k >>> 0 });
    else if (o.op === 'branch') items.push({ kind: 'jmp', jop: o.jop, k: o.k >>> 0, t: o.t, f: o.f });
    else if (o.op === 'goto') items.push({ kind: 'ja', to: o.to });
    else if (!pool.some(([l]) => l === o.label)) pool.push([o.label, { kind: 'ret', k: o.value >>> 0, source: o.source }]);
  }
  let list = dropLoads(items);
  for (const [label, ret] of pool) list.push({ kind: 'label', id: label }, ret);
  let next = labels;
  for (let changed = true; changed;) {
    changed = false;
    const { pcOf, atLabel } = pcs(list);
    const out: Item[] = [];
    let pc = 0;
    for (const it of list) {
      out.push(it);
      if (it.kind === 'label') continue;
      const here = pc++;
      if (it.kind !== 'jmp') continue;
      for (const side of ['t', 'f'] as const) {
        if (pcOf.get(it[side])! - here - 1 <= 255) continue;
        const hop = next++;
        const landing = atLabel.get(it[side])!;
        out.push({ kind: 'label', id: hop }, landing.kind === 'ret' ? landing : { kind: 'ja', to: it[side] });
        it[side] = hop;
        changed = true;
      }
    }
    list = out;
  }
  const { pcOf } = pcs(list);
  const program: SockFilter[] = [];
  const provenance = new Map<number, RetSource>();
  for (const it of list) {
    const pc = program.length;
    const rel = (id: Label) => pcOf.get(id)! - pc - 1;
    if (it.kind === 'ld') program.push({ code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: it.k });
    else if (it.kind === 'and') program.push({ code: BPF_ALU | BPF_AND | BPF_K, jt: 0, jf: 0, k: it.k });
    else if (it.kind === 'jmp') program.push({ code: BPF_JMP | it.jop | BPF_K, jt: rel(it.t), jf: rel(it.f), k: it.k });
    else if (it.kind === 'ja') program.push({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: rel(it.to) });
    else if (it.kind === 'ret') {
      provenance.set(pc, it.source);
      program.push({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: it.k });
    }
  }
  return { program, provenance };
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A random forward-jumping program through the Assembler, with the calls recorded: runs of
 * loads of a few offsets (so some are redundant), masks, jumps to labels placed later, some
 * far away, and pooled returns.
 */
function randomProgram(r: () => number): { asm: Assembler; ops: Op[]; labels: number } {
  const asm = new Assembler();
  const ops: Op[] = [];
  const int = (n: number) => Math.floor(r() * n);
  const rets = Array.from({ length: 1 + int(4) }, (_, i) => {
    const value = [0x7fff0000, 0x50001, 0x80000000, 0][i % 4]!;
    const source: RetSource = i === 0 ? 'default' : i === 1 ? 'badArch' : i;
    const label = asm.ret(value, source);
    ops.push({ op: 'ret', value, source, label });
    return label;
  });
  const pending: Label[] = [];
  const length = 20 + int(r() < 0.3 ? 1500 : 200);
  for (let i = 0; i < length; i++) {
    const roll = r();
    if (pending.length && roll < 0.25) {
      const id = pending.splice(int(pending.length), 1)[0]!;
      asm.place(id);
      ops.push({ op: 'place', id });
    } else if (roll < 0.5) {
      const k = [0, 4, 16, 20, 24][int(5)]!;
      asm.load(k);
      ops.push({ op: 'load', k });
      if (r() < 0.3) {
        const m = [0xff, 0xffff0000, 0xf][int(3)]!;
        asm.and(m);
        ops.push({ op: 'and', k: m });
      }
    } else {
      const target = (): Label => {
        if (r() < 0.4) return rets[int(rets.length)]!;
        const id = asm.label();
        pending.push(id);
        return id;
      };
      if (r() < 0.1) {
        const to = target();
        asm.goto(to);
        ops.push({ op: 'goto', to });
      } else {
        const jop = [BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET][int(4)]!;
        const k = int(2 ** 32);
        const [t, f] = [target(), target()];
        asm.branch(jop, k, t, f);
        ops.push({ op: 'branch', jop, k, t, f });
      }
    }
  }
  // Whatever is still pending lands on a final return (labels must be placed somewhere).
  for (const id of pending) {
    asm.place(id);
    ops.push({ op: 'place', id });
  }
  const end = asm.ret(0x7fff0000, 'default');
  asm.goto(end);
  ops.push({ op: 'ret', value: 0x7fff0000, source: 'default', label: end }, { op: 'goto', to: end });
  return { asm, ops, labels: asm.label() };
}

test('the linker: 300 random programs, some thousands of instructions long, as the pass-by-pass reference links them', () => {
  const r = rng(7);
  let far = 0;
  for (let n = 0; n < 300; n++) {
    const { asm, ops, labels } = randomProgram(r);
    const endian = r() < 0.5 ? 'little' : 'big';
    const got = asm.link(endian);
    const want = referenceLink(ops, labels);
    assert.deepEqual(got.program, want.program, `program ${n}`);
    assert.deepEqual([...got.provenance].sort((a, b) => a[0] - b[0]), [...want.provenance].sort((a, b) => a[0] - b[0]), `provenance ${n}`);
    assert.deepEqual(decodeBpf(got.bytes, endian), want.program, `bytes ${n}`);
    if (want.program.length > 256) far++;
  }
  assert.ok(far > 30, `${far} programs long enough for trampolines`);
});

test('the linker at the 8-bit edge: a first jump to the last instruction, 250 to 260 instructions away', () => {
  for (let filler = 250; filler <= 260; filler++) {
    const asm = new Assembler();
    const yes = asm.ret(0x7fff0000, 0);
    const no = asm.ret(0, 'default');
    const ops: Op[] = [{ op: 'ret', value: 0x7fff0000, source: 0, label: yes }, { op: 'ret', value: 0, source: 'default', label: no }];
    const mid = asm.label();
    asm.branch(BPF_JEQ, 1, no, mid);
    ops.push({ op: 'branch', jop: BPF_JEQ, k: 1, t: no, f: mid });
    asm.place(mid);
    ops.push({ op: 'place', id: mid });
    for (let i = 0; i < filler; i++) {
      asm.load(16 + 4 * (i % 2));
      ops.push({ op: 'load', k: 16 + 4 * (i % 2) });
    }
    asm.goto(yes);
    ops.push({ op: 'goto', to: yes });
    const labels = asm.label();
    assert.deepEqual(asm.link('little').program, referenceLink(ops, labels).program, `${filler} loads`);
  }
});

// ---- dispatch segments, against the Set-and-sort reference ----

function referenceSegments(points: readonly [number, Label][], background: readonly Segment[], masked: Label): Segment[] {
  const map = new Map(points);
  const bgAt = (nr: number) => background.filter((s) => s.start <= nr).at(-1)!.target;
  const starts = new Set([...background.map((s) => s.start), ...points.flatMap(([nr]) => (nr + 1 < 2 ** 32 ? [nr, nr + 1] : [nr]))]);
  const out: Segment[] = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    const bg = bgAt(start);
    const target = bg !== masked && map.has(start) ? map.get(start)! : bg;
    if (out.at(-1)?.target !== target) out.push({ start, target });
  }
  return out;
}

test('segmentsFor: random numbers (repeats, the ends of the u32 range, both x86 ABIs) as the reference cuts them', () => {
  const r = rng(11);
  const backgrounds: Segment[][] = [
    [{ start: 0, target: 0 }],
    [{ start: 0, target: 0 }, { start: 0x40000000, target: 1 }, { start: 0xffffffff, target: 0 }],
    [{ start: 0, target: 1 }, { start: 0x40000000, target: 0 }],
  ];
  for (let n = 0; n < 500; n++) {
    const background = backgrounds[n % 3]!;
    const count = Math.floor(r() * 60);
    const points: [number, Label][] = Array.from({ length: count }, () => {
      const roll = r();
      const nr = roll < 0.1 ? 0xffffffff - Math.floor(r() * 2) : roll < 0.4 ? 0x40000000 + Math.floor(r() * 40) : Math.floor(r() * 60);
      return [nr, 2 + Math.floor(r() * 4)];
    });
    const p = new Points(points.length);
    for (const [nr, label] of points) p.add(nr, label);
    const got = segmentsFor(p, background, 1);
    const want = referenceSegments(points, background, 1);
    assert.deepEqual(got.starts, want.map((s) => s.start), `starts ${n}`);
    assert.deepEqual(got.targets, want.map((s) => s.target), `targets ${n}`);
  }
});
