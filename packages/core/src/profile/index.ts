/**
 * The profile layer: the SDK's own Profile (model), its validation and JSON form,
 * and the OCI runtime-spec / Docker seccomp format in both directions.
 */
export * from './model.js';
export { validateProfile, defineProfile } from './validate.js';
export { findRuleConflicts, conflictMessage, type Conflict, type ConflictRule } from './conflicts.js';
export { profileToJSON, profileFromJSON, type ProfileJSON, type RuleJSON, type ConditionJSON, type ProfileAttributesJSON } from './json.js';
export * from './oci-types.js';
export { fromOci } from './oci-parse.js';
export { toOci } from './oci-export.js';
export { resolveOci, type ResolveOciOptions, type ResolvedOci } from './oci-resolve.js';
export type { OciWarning, OciWarningCode } from './oci-warnings.js';
export { withEnosysStub, type EnosysAbove } from './oci-enosys.js';
export { MAX_ERRNO } from '../actions.js';
export { DOCKER_DEFAULT_PROFILE } from './docker-default.generated.js';
