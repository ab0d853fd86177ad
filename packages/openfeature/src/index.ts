export { toHanoiUser, type HanoiAttribute, type HanoiUserContext } from './evaluation-context';
export { flagValue, type VariantFlagType } from './flag-value';
export { HanoiProvider } from './hanoi-provider';
export { metadataOf, reasonOf } from './resolution';
