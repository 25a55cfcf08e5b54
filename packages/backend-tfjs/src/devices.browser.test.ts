import { createSoftmax, type Softmax } from '@softmax-kit/core';
import { describe, expect, it } from 'vitest';
import { browserWasmPaths } from './test-support/browser-wasm-paths.js';
import { maxRelativeError, referenceSoftmax, U32 } from './test-support/reference.js';
import { tfjsBackend } from './tfjs-backend.js';

/** Relative bound per entry for short rows in float32: (4 + 4 max|z| + n) u (see tfjs-backend.test.ts). */
const bound = (logits: Float32Array) =>
  (4 + 4 * (Math.max(...logits) - Math.min(...logits)) + logits.length) * U32;

describe('tfjs devices in Chromium', () => {
  it('the test page is cross-origin isolated, so wasm may use threads', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
  });

  it.each(['webgl', 'webgpu', 'wasm'] as const)(
    '%s reports the precision its probe measured',
    async (device) => {
      const sm = await createSoftmax(tfjsBackend({ device, wasmPaths: browserWasmPaths }));
      const { computePrecision, details } = sm.backend.capabilities;
      console.log(`${device}: ${JSON.stringify(details)}`);
      const bits = details?.probedMantissaBits as number;
      expect(computePrecision.float32).toBe(bits >= 23 ? 'float32' : 'float16');
      if (device === 'wasm') expect(details?.wasmThreads).toBe(true);
      await sm.dispose();
    },
  );

  it('webgl, webgpu and wasm instances in one page each give correct interleaved results', async () => {
    const instances: Softmax[] = [];
    for (const device of ['webgl', 'webgpu', 'wasm'] as const) {
      instances.push(await createSoftmax(tfjsBackend({ device, wasmPaths: browserWasmPaths })));
    }
    const calls = Array.from({ length: 30 }, (_, index) => {
      const logits = new Float32Array([index % 4, 1, -1, 0.5 * (index % 3)]);
      return instances[index % 3]!.softmax(logits).then((result) => ({ logits, result }));
    });
    for (const { logits, result } of await Promise.all(calls)) {
      expect(maxRelativeError(result, referenceSoftmax(logits))).toBeLessThanOrEqual(bound(logits));
    }
    for (const sm of instances) await sm.dispose();
  });

  it.each(['webgl', 'webgpu'] as const)(
    '%s: logSumExp([0, -40]) is 4.248354e-18 and logSoftmax keeps it (log1p on the host)',
    async (device) => {
      const sm = await createSoftmax(tfjsBackend({ device }));
      // log1p(exp(-40)) from float64's Math.log1p and Math.exp; the device's float32 exp (2
      // ulps allowed), one rounding to float32 and the float64 arithmetic: 4 U32 relative.
      const tiny = Math.log1p(Math.exp(-40));
      const lse = (await sm.logSumExp(new Float32Array([0, -40])))[0]!;
      expect(Math.abs(lse - tiny) / tiny).toBeLessThanOrEqual(4 * U32);
      const logp = (await sm.logSoftmax(new Float32Array([0, -40])))[0]!;
      expect(Math.abs(logp + tiny) / tiny).toBeLessThanOrEqual(4 * U32);
      await sm.dispose();
    },
  );
});
