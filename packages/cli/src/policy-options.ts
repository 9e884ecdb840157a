/** The options every command that reads a profile shares, and turning them into PolicyOptions. */
import type { OptionSpecs, Values } from './args.js';
import { listOpt } from './args.js';
import { parseArches, type PolicyOptions } from './policy.js';

export const POLICY_OPTIONS: OptionSpecs = {
  arch: {
    type: 'string', multiple: true, value: 'arch',
    description: 'arches the filter covers, comma-separated (default: the profile\'s, else this machine\'s); an OCI profile is resolved for the first',
  },
  cap: {
    type: 'string', multiple: true, value: 'CAP_NAME',
    description: 'capabilities an OCI profile\'s includes/excludes see (Docker: the container\'s bounding set)',
  },
};

export function policyOptions(values: Values): PolicyOptions {
  const arches = parseArches(listOpt(values, 'arch'));
  const caps = listOpt(values, 'cap');
  return { ...(arches && { arches }), ...(caps.length && { capabilities: caps }) };
}
