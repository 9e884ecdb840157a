/** Profiles to and from the formats other engines read: SPO, systemd, seccompiler; and merging recordings. */
export { mergeProfiles } from './merge.js';
export {
  fromSeccompiler, seccompilerToJSON, toSeccompiler,
  type FromSeccompilerOptions, type SeccompilerAction, type SeccompilerCondition, type SeccompilerFilter,
  type SeccompilerJson, type SeccompilerOp, type SeccompilerRule, type ToSeccompilerOptions,
} from './seccompiler.js';
export { SPO_API_VERSIONS, toSpo, toSpoResource, type SpoApiVersion, type ToSpoOptions } from './spo.js';
export { SYSTEMD_SAME_GROUPS, toSystemd, type ToSystemdOptions } from './systemd.js';
export { toYaml, type YamlValue } from './yaml.js';
