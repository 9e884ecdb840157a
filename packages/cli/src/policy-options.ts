/** The options every command that reads a profile shares, and turning them into PolicyOptions. */
import { SeccompUnavailableError, syscallResolveName } from '@seccomp/node';
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

/**
 * The options of the commands that build a filter from a profile (compile, disasm, run): how
 * an OCI profile's names the loaded libseccomp does not know are treated, and runc's ENOSYS
 * stub. Both are runc's behaviour, off by default (docs/cli.md).
 */
export const OCI_BUILD_OPTIONS: OptionSpecs = {
  'skip-unknown-to-library': {
    type: 'boolean',
    description: 'leave out an OCI profile\'s syscalls the loaded libseccomp does not know, as runc does (default: kept, placed by number; each is warned about either way)',
  },
  'enosys-newer': {
    type: 'boolean',
    description: 'as runc: ENOSYS for syscall numbers above the highest an OCI profile names, so a newer call fails as "not implemented" (when the default action stops calls)',
  },
};

/** Set once a lookup found no libseccomp to load, so the next names do not try again. */
let noLibrary = false;

/**
 * Whether the loaded libseccomp knows a name, as runc asks its own; without libseccomp there
 * is no library to differ from the SDK's tables, so every name counts as known.
 */
function libraryKnows(name: string): boolean {
  if (noLibrary) return true;
  try {
    return syscallResolveName(name) !== -1;
  } catch (err) {
    if (!(err instanceof SeccompUnavailableError)) throw err;
    noLibrary = true;
    return true;
  }
}

export function ociBuildOptions(values: Values): Pick<PolicyOptions, 'libraryKnows' | 'skipUnknownToLibrary' | 'enosysForNewer'> {
  return {
    libraryKnows,
    ...(values['skip-unknown-to-library'] === true && { skipUnknownToLibrary: true }),
    ...(values['enosys-newer'] === true && { enosysForNewer: true }),
  };
}
