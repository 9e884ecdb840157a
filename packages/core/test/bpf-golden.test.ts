// The golden BPF files judged against what their profiles mean (testing/golden-verdicts.ts,
// written by hand), through the emulator on the recorded bytes. Nothing here depends on the
// installed libseccomp: every recorded set is judged, whichever library made it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { archInfo, emulate, formatAction, profileFromJSON, type ArchName, type Profile } from '../src/index.js';
import { findGoldenDir, fixtureFiles, readManifest, sha256, type GoldenSet } from '../testing/golden.js';
import { GOLDEN_VERDICTS, type VerdictRow, type VerdictTable } from '../testing/golden-verdicts.js';

const dir = findGoldenDir();
if (!dir) throw new Error('testing/golden/manifest.json not found: the golden files live in the repository');
const fixtures = fixtureFiles(dir);
const manifest = readManifest(dir);

const show = (row: VerdictRow) => `${row[0]}(${row[1].map((a) => `0x${BigInt.asUintN(64, BigInt(a)).toString(16)}`).join(', ')})`;

function rows(table: VerdictTable): [ArchName, VerdictRow][] {
  return (Object.entries(table) as [ArchName, VerdictRow[]][]).flatMap(([arch, list]) => list.map((r): [ArchName, VerdictRow] => [arch, r]));
}

/** Every row the recorded program answers differently, as "arch call: got …, want …". */
function mismatches(set: GoldenSet, name: string, table: VerdictTable): string[] {
  const bpf = new Uint8Array(readFileSync(join(dir!, set.dir, `${name}.bpf`)));
  assert.equal(sha256(bpf), set.files[name]?.sha256, `${set.dir}/${name}.bpf is not the file manifest.json recorded`);
  // Recorded in the recording host's byte order, whatever arch a row simulates.
  const endian = archInfo(set.arch as ArchName).endian;
  return rows(table).flatMap(([arch, row]) => {
    const got = formatAction(emulate(bpf, { arch, syscall: row[0], args: row[1], endian }).action);
    return got === row[2] ? [] : [`${arch} ${show(row)}: got ${got}, want ${row[2]}`];
  });
}

/** What a table leaves unjudged: a rule without a matching row, a conditional rule without a non-matching one, … */
function gaps(profile: Profile, table: VerdictTable): string[] {
  const arches = new Set<string>(profile.arches ?? []);
  const inside = rows(table).filter(([arch]) => arches.has(arch)).map(([, r]) => r);
  const out: string[] = [];
  profile.rules.forEach((rule, i) => {
    const action = formatAction(rule.action);
    const mine = inside.filter((r) => rule.syscalls.includes(r[0]));
    if (!mine.some((r) => r[2] === action)) out.push(`rules[${i}] (${action}): no row it decides`);
    if (rule.conditions?.length && !mine.some((r) => r[2] !== action)) out.push(`rules[${i}]: no row where its conditions fail`);
  });
  const named = new Set(profile.rules.flatMap((r) => r.syscalls));
  const fallback = formatAction(profile.defaultAction);
  if (!inside.some((r) => !named.has(r[0]) && r[2] === fallback)) out.push(`no row for the default (${fallback})`);
  // The SDK's bad-arch action is killProcess unless the profile names one (build.ts).
  const badArch = formatAction(profile.attributes?.badArchAction ?? { kind: 'killProcess' });
  if (!rows(table).some(([arch, r]) => !arches.has(arch) && r[2] === badArch)) out.push(`no row from a foreign arch (${badArch})`);
  return out;
}

describe('golden BPF judged by hand-written verdicts', () => {
  it('every fixture has a verdict table, and every table a fixture', () => {
    assert.deepEqual(Object.keys(GOLDEN_VERDICTS).sort(), Object.keys(fixtures));
    assert.ok(manifest.sets.length > 0, 'no recorded set to judge');
  });

  for (const [name, path] of Object.entries(fixtures)) {
    it(`${name}: the table covers every rule, each condition's failing side, the default and a foreign arch`, () => {
      const profile = profileFromJSON(JSON.parse(readFileSync(path, 'utf8')));
      assert.deepEqual(gaps(profile, GOLDEN_VERDICTS[name] ?? {}), []);
    });
  }

  for (const set of manifest.sets) {
    for (const name of Object.keys(fixtures)) {
      it(`${set.dir}/${name}.bpf answers every row of its table`, () => {
        const table = GOLDEN_VERDICTS[name] ?? {};
        assert.ok(rows(table).length >= 10, `${name}: too few rows to judge anything`);
        assert.deepEqual(mismatches(set, name, table), []);
      });
    }
  }
});
