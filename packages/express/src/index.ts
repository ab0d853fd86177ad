export { adminPage, type AdminPageOptions } from './admin-page';
export { features } from './features';
export { requireFeature } from './require-feature';
export type { DeniedHandler, FeaturesOptions, RequireFeatureOptions, UserResolver } from './types';
