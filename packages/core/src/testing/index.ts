/// <reference types="jest" />
// @hanoi/core/testing: the contract suite a store or backend passes to be done (under jest).
export { describeBackendContract, type BackendContractOptions } from './backend-contract';
export { comparable, everything, quietRollout, recordingLogger, type ContractSubject } from './contract-subject';
export { idInBucket, idsWhere, referenceBucket, referenceCrc32 } from './independent-bucket';
export { describeStoreContract, type StoreContractOptions } from './store-contract';
export { loadVariantVectors, type MurmurCase, type VariantCase } from './variant-vectors';
