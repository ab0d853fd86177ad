export { adminPage, type AdminPageOptions } from './admin-page';
export { features } from './features';
export { requireFeature } from './require-feature';
export type {
  DeniedHandler,
  FeaturesOptions,
  NotFoundHandler,
  RequireFeatureOptions,
  ResolvedUser,
  UserResolver,
} from './types';
