/** Identity and authorization for the simulated API server: the surface the core uses. */
export { builtinUsers, authenticate, type BuiltinUser } from './users';
export { bootstrapRbac, type PolicyRule, type Subject } from './bootstrap';
export { RbacAuthorizer, type ResourceRule, type NonResourceRule, type RuleSet } from './rbac';
export { forbiddenError } from './forbidden';
export { impersonate } from './impersonation';
export { reviewResources, handleReview, type ReviewResource } from './reviews';
export { decodeProtobufBody } from './protobuf';
export { BearerTokens, issuerFor } from './serviceAccountTokens';
export { handleTokenRequest } from './tokenRequest';
