import { describeConformance } from '@softmax-kit/conformance/vitest';
import { commands } from 'vitest/browser';
import { wasmBackend } from './index.js';

// The whole suite in headless Chromium (Debian's, cross-origin isolated so that threads have
// shared memory), accuracy up to n = 10^6; each report is written through a vitest browser
// command to reports/conformance/<name>.json.
const onReport = (report: unknown, name: string) =>
  commands.writeConformanceReport(name, JSON.stringify(report, null, 2));
const sizes = [1, 10, 1000, 32_768, 1_000_000];

describeConformance('wasm-browser', () => wasmBackend(), { sizes, onReport });
describeConformance('wasm-threads-browser', () => wasmBackend({ threads: 2 }), {
  sizes,
  onReport,
});
