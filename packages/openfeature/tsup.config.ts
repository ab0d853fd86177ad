// The shared build: ESM and CJS with type declarations (../../tsup.config.base.ts).
export { default } from '../../tsup.config.base';
