import { MemoryBackend } from '@hanoi/core';
import { describeRules } from './rules-suite';

describeRules('on MemoryBackend', () => new MemoryBackend());
