/**
 * `seccomp export`: a profile (SDK JSON, OCI, or what `seccomp learn` wrote) in the format
 * another engine reads, for where the engine applies the filter rather than the process:
 * OCI for Docker, Podman and containerd; a Security Profiles Operator resource for
 * Kubernetes; a systemd drop-in; Firecracker's seccompiler JSON.
 */
import { writeFileSync } from 'node:fs';
import { seccompilerToJSON, toOci, toSeccompiler, toSpo, toSystemd, type Profile } from '@seccomp/node';
import { expectPositionals, stringOpt, type Values } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit.js';
import { jsonText } from '../io.js';
import { readPolicy } from '../policy.js';
import { POLICY_OPTIONS, policyOptions } from '../policy-options.js';

export const EXPORT_FORMATS = ['oci', 'spo', 'systemd', 'seccompiler'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

const API_VERSIONS = { v1beta1: 'security-profiles-operator.x-k8s.io/v1beta1', v1: 'security-profiles-operator.x-k8s.io/v1' } as const;

function formatOf(text: string | undefined): ExportFormat {
  if (text === undefined) throw new UsageError(`missing --format: one of ${EXPORT_FORMATS.join(', ')}`, 'export');
  if ((EXPORT_FORMATS as readonly string[]).includes(text)) return text as ExportFormat;
  throw new UsageError(`--format is one of ${EXPORT_FORMATS.join(', ')}, got "${text.slice(0, 60)}"`, 'export');
}

function render(format: ExportFormat, profile: Profile, values: Values): string {
  switch (format) {
    case 'oci':
      return `${jsonText(toOci(profile))}\n`;
    case 'spo': {
      const version = stringOpt(values, 'api-version') ?? 'v1beta1';
      if (!Object.hasOwn(API_VERSIONS, version)) throw new UsageError(`--api-version is v1beta1 or v1, got "${version.slice(0, 60)}"`, 'export');
      const name = stringOpt(values, 'name');
      const namespace = stringOpt(values, 'namespace');
      return toSpo(profile, { apiVersion: API_VERSIONS[version as keyof typeof API_VERSIONS], ...(name && { name }), ...(namespace && { namespace }) });
    }
    case 'systemd':
      return toSystemd(profile);
    case 'seccompiler': {
      const thread = stringOpt(values, 'thread');
      return `${seccompilerToJSON(toSeccompiler(profile, { ...(thread && { thread }) }))}\n`;
    }
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a profile for another engine: OCI, a Kubernetes SPO resource, a systemd drop-in, Firecracker seccompiler',
  usage: 'seccomp export <profile.json> --format oci|spo|systemd|seccompiler [-o <file>] [--arch <arch>,…]',
  description: `
Reads a profile (the SDK's JSON, what \`seccomp learn\` wrote, or an OCI/Docker profile,
resolved for the first --arch the way runc would) and writes it as:
  oci          an OCI seccomp profile (Docker --security-opt seccomp=, Podman, containerd,
               and a kubelet's localhostProfile under /var/lib/kubelet/seccomp/);
  spo          a Security Profiles Operator SeccompProfile resource (YAML; --name,
               --namespace, --api-version v1beta1|v1): the operator installs it on every node
               and a pod names it as localhostProfile: operator/<namespace>/<name>.json;
  systemd      a unit drop-in: SystemCallFilter= (a ~deny-list when the default allows),
               SystemCallErrorNumber=, SystemCallArchitectures=; systemd's group names where
               the SDK's group has exactly systemd's members; refused for rules with
               argument conditions or several actions;
  seccompiler  Firecracker's seccompiler JSON, one thread filter (--thread, default main);
               refused when rules differ in action.
What a format cannot hold is refused with the rule it concerns, never written wider.`,
  options: {
    format: { type: 'string', value: 'oci|spo|systemd|seccompiler', description: 'the format to write (required)' },
    output: { type: 'string', short: 'o', value: 'file', description: 'where to write it (default: standard output)' },
    ...POLICY_OPTIONS,
    name: { type: 'string', value: 'name', description: 'spo: metadata.name (default seccomp-profile)' },
    namespace: { type: 'string', value: 'namespace', description: 'spo: metadata.namespace' },
    'api-version': { type: 'string', value: 'v1beta1|v1', description: 'spo: the resource\'s version (default v1beta1; v1 is the operator\'s storage version, same spec)' },
    thread: { type: 'string', value: 'name', description: 'seccompiler: the thread category (default main)' },
  },
  exitCodes: [
    [EXIT.ok, 'written'],
    [EXIT.usage, 'wrong usage (no or unknown --format, unknown arch)'],
    [EXIT.input, 'missing file, malformed JSON, invalid profile, or one the format cannot hold'],
  ],
  examples: [
    'seccomp export learned.json --format spo --name my-app --namespace apps -o my-app.yaml',
    'seccomp export profile.json --format systemd -o /etc/systemd/system/my.service.d/seccomp.conf',
    'seccomp export docker-default.json --format seccompiler --thread vmm',
  ],
  run({ values, positionals, io, json }) {
    expectPositionals(positionals, ['profile.json'], 'export');
    const format = formatOf(stringOpt(values, 'format'));
    const policy = readPolicy(positionals[0]!, policyOptions(values), false);
    if (policy.kind !== 'profile') throw new UsageError('export reads a profile, not a BPF program', 'export');
    for (const w of policy.warnings) io.warn(`${policy.path}: ${w}`);
    const text = render(format, policy.profile, values);
    const out = stringOpt(values, 'output');
    if (out) writeFileSync(out, text);
    if (json) io.json({ input: policy.path, format, output: out ?? null, bytes: Buffer.byteLength(text), warnings: policy.warnings, ...(out ? {} : { text }) });
    else if (!out) io.out(text.replace(/\n$/, ''));
    return EXIT.ok;
  },
};
