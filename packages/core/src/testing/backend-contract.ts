/// <reference types="jest" />
import type { Backend } from '../index';
import { describeBackendInterface } from './contract-backend-interface';
import { describeEvaluation } from './contract-evaluation';
import { describeExplainNow } from './contract-explain-now';
import { describeHistory } from './contract-history';
import { describeInvalidInput } from './contract-invalid-input';
import { describeListIds } from './contract-list-ids';
import { describeManagement } from './contract-management';
import { describeNamesAndIds } from './contract-names-and-ids';
import { describePatternsAndUsers } from './contract-patterns-and-users';
import { quietRollout, type ContractSubject } from './contract-subject';
import { describeUnknownFeature } from './contract-unknown-feature';
import { describeVariantValues } from './contract-variant-values';
import { describeVariants } from './contract-variants';
import { describeWatch } from './contract-watch';

/** Options of `describeBackendContract`. */
export interface BackendContractOptions {
  /** Releases a backend after its test; `backend.close()` when not given. */
  teardown?: (backend: Backend) => Promise<void>;
}

/**
 * The contract every backend passes to be done (SPEC.md, STYLE.md §1). Each
 * test gets a fresh, empty backend from `makeBackend` and drives it through
 * `new Rollout(backend)`, and directly where the `Backend` interface promises
 * something (`peek` read-your-writes, `knownNames`, `lookupUser`). Nothing
 * here assumes a backend keeps its state in this process's memory.
 *
 * @example
 * describeBackendContract('MemoryBackend', () => new MemoryBackend());
 * describeBackendContract('RedisBackend with a prefix', () => new RedisBackend({ client, prefix: 'p:' }), {
 *   teardown: async (backend) => { await backend.close(); await flushPrefix('p:'); },
 * });
 */
export function describeBackendContract(
  name: string,
  makeBackend: () => Backend | Promise<Backend>,
  options: BackendContractOptions = {},
): void {
  describe(`backend contract: ${name}`, () => {
    let subject: ContractSubject | undefined;
    const use = (): ContractSubject => {
      if (!subject) throw new Error('the contract subject is made in beforeEach');
      return subject;
    };

    beforeEach(async () => {
      const backend = await makeBackend();
      await backend.ready();
      subject = { backend, rollout: quietRollout(backend) };
      expect(await subject.rollout.listFuncs()).toEqual([]);
    });

    afterEach(async () => {
      if (!subject) return;
      const { backend } = subject;
      subject = undefined;
      await (options.teardown ? options.teardown(backend) : backend.close());
    });

    describeManagement(use);
    describePatternsAndUsers(use);
    describeUnknownFeature(use);
    describeNamesAndIds(use);
    describeEvaluation(use);
    describeVariants(use);
    describeVariantValues(use);
    describeWatch(use);
    describeExplainNow(use);
    describeInvalidInput(use);
    describeBackendInterface(use);
    describeHistory(use);
    describeListIds(use);
  });
}
