import { describeConformance } from '@softmax-kit/conformance/vitest';
import { tfjsNodeBackend } from './index.js';

// Where @tensorflow/tfjs-node's native binding is missing, every case is skipped with the
// BACKEND_UNAVAILABLE reason printed, and reports/conformance/tfjs-node.json says 'skip'.
describeConformance('tfjs-node', () => tfjsNodeBackend(), { reportDir: '1' });
