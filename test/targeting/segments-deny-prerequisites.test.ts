import { MemoryBackend } from '@hanoi/core';
import { describeSegmentsDenyPrerequisites } from './segments-deny-prerequisites-suite';

describeSegmentsDenyPrerequisites('on MemoryBackend', () => new MemoryBackend());
