export { features } from './features';
export { requireFeature } from './require-feature';
export type { DeniedHandler, FeaturesOptions, RequireFeatureOptions, ResolvedUser, UserResolver } from './types';
