import { describeConformance } from '@softmax-kit/conformance/vitest';
import { commands } from 'vitest/browser';
import { tfjsBackend } from './index.js';
import { browserWasmPaths } from './test-support/browser-wasm-paths.js';

// The same suite in headless Chromium (cross-origin isolated, so wasm runs with threads); each
// report is written through a vitest browser command to reports/conformance/<name>.json.
const onReport = (report: unknown, name: string) =>
  commands.writeConformanceReport(name, JSON.stringify(report, null, 2));

for (const device of ['webgl', 'webgpu', 'wasm'] as const) {
  describeConformance(
    `tfjs-${device}-browser`,
    () => tfjsBackend({ device, wasmPaths: browserWasmPaths }),
    { onReport },
  );
}
