/**
 * When the compiler's verdict is not libseccomp's, the differential does not take
 * libseccomp's answer as wrong on trust. The difference is accepted (and counted) only where
 * libseccomp's program visibly departs from libseccomp itself or from its rules:
 *
 *  - `byteSwappedReturn`: it returned the compiler's verdict with its bytes reversed (its
 *    big-endian multi-arch programs do);
 *  - `otherArchesOnly`: libseccomp's own program for the call's arch alone gives the compiler's
 *    verdict: sharing one program between arches changed the answer;
 *  - `mergeOnly`: libseccomp's own programs for each of the syscall's rules alone, read
 *    together, give the compiler's verdict: merging the rules changed the answer;
 *  - `noNrLoad` / `staleAccumulator` (compile-differential-defects.ts): the independent reading
 *    of the profile gives the compiler's verdict and libseccomp's path is malformed.
 *
 * Each defect found so far is listed in compile/README.md; anything else fails the test.
 */
import {
  actionsEqual, ARCHES, decodeBpf, emulate, encodeAction, prepare, runPrepared,
  type Action, type Endian, type PreparedBpf, type Profile, type SockFilter,
} from '../src/internal.js';
import { accumulatorStates, byteSwapped, defectOnPath, type Defect } from './compile-differential-defects.js';
import { auditOf, type Call } from './compile-differential-gen.js';
import { libseccompProgram, NATIVE, type LibseccompSide } from './compile-differential-libseccomp.js';
import { rulesMeaning } from './compile-differential-meaning.js';

export type Departure = Defect | 'mergeOnly' | 'byteSwappedReturn' | 'otherArchesOnly';

/** libseccomp's program for the whole profile, and what the explanations build on demand. */
export interface Reference {
  readonly prepared: PreparedBpf;
  readonly program: readonly SockFilter[];
  readonly endian: Endian;
  states?: Set<string>[];
  /** libseccomp's programs for parts of the profile (arches alone, rules alone), by key. */
  readonly parts: Map<string, PreparedBpf | undefined>;
}

export function referenceFor(bytes: Uint8Array, endian: Endian): Reference {
  return { prepared: prepare(bytes, endian), program: decodeBpf(bytes, endian), endian, parts: new Map() };
}

/** libseccomp's verdict for the call on a part of the profile, or undefined if it will not build it. */
function partVerdict(side: LibseccompSide, ref: Reference, key: string, part: Profile, c: Call): number | undefined {
  if (!ref.parts.has(key)) {
    let program: PreparedBpf | undefined;
    try {
      program = prepare(libseccompProgram(side, part), ARCHES[part.arches?.[0] ?? NATIVE].endian);
    } catch {
      program = undefined;
    }
    ref.parts.set(key, program);
  }
  const program = ref.parts.get(key);
  return program && runPrepared(program, c.nr, auditOf(c.arch), c.args);
}

/** libseccomp's verdict from its program for the call's arch alone (x86_64 and x32 together). */
function verdictAlone(side: LibseccompSide, profile: Profile, ref: Reference, c: Call): number | undefined {
  const listed = profile.arches ?? [];
  const same = listed.filter((a) => ARCHES[a].auditArch === auditOf(c.arch));
  if (!same.length || same.length === listed.length) return undefined;
  return partVerdict(side, ref, `arches ${same.join(',')}`, { ...profile, arches: same }, c);
}

/**
 * The verdict libseccomp gives rule by rule: each of the call's rules built alone, and read
 * together as the rules are (the first unconditional rule decides, else the one action of the
 * rules that match, else the default). Undefined where that does not decide.
 */
function verdictRuleByRule(side: LibseccompSide, profile: Profile, ref: Reference, c: Call): number | undefined {
  const found = rulesMeaning(profile, c, NATIVE);
  if (!found || found === 'badArch') return undefined;
  const unconditional = found.rules.find((r) => !r.conditions?.length);
  if (unconditional) return encodeAction(unconditional.action);
  const matched: Action[] = [];
  for (const rule of found.rules) {
    const alone = partVerdict(side, ref, `rule ${profile.rules.indexOf(rule)}`, { ...profile, rules: [rule] }, c);
    if (alone === undefined) return undefined;
    if (alone === encodeAction(rule.action)) matched.push(rule.action);
  }
  if (matched.some((a) => !actionsEqual(a, matched[0]!))) return undefined;
  return encodeAction(matched[0] ?? profile.defaultAction);
}

/** Which departure of libseccomp's explains `theirs` where the compiler says `ours`, if any. */
export function departure(side: LibseccompSide, profile: Profile, c: Call, ours: number, theirs: number, ref: Reference, meant: Action | undefined): Departure | undefined {
  if (byteSwapped(theirs) === ours) return 'byteSwappedReturn';
  ref.states ??= accumulatorStates(ref.program);
  const defect = defectOnPath(ref.program, ref.states, emulate(ref.prepared, { arch: c.arch, syscall: c.nr, args: c.args }).path);
  if (verdictAlone(side, profile, ref, c) === ours) return defect ?? 'otherArchesOnly';
  if (verdictRuleByRule(side, profile, ref, c) === ours) return defect ?? 'mergeOnly';
  return meant && encodeAction(meant) === ours ? defect : undefined;
}
