import { describeConformance } from '@softmax-kit/conformance/vitest';
import { tsBackend } from './index.js';

// SPEC's whole conformance suite against tsBackend, accuracy up to n = 10^6.
describeConformance('ts', () => tsBackend(), { sizes: [1, 10, 1000, 32_768, 1_000_000] });
