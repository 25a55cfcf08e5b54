import { describe, expect, it } from 'vitest';
import { peerFacts } from '../verdict/decide.js';
import { installSize, maxRelativeError, runPeerChecks } from './peer-checks.js';

describe('maxRelativeError', () => {
  it('is 0 for the exact softmax and grows with a wrong entry', () => {
    const input = new Float32Array([0, Math.log(3)]);
    expect(maxRelativeError(input, [0.25, 0.75])).toBeLessThan(1e-7);
    expect(maxRelativeError(input, [0.25, 0.75 * (1 + 1e-3)])).toBeCloseTo(1e-3, 6);
    expect(Number.isNaN(maxRelativeError(input, [Number.NaN, 0.75]))).toBe(true);
  });
});

describe('installSize', () => {
  it('counts a package with its dependencies and finds native addons', () => {
    const ours = installSize('@softmax-kit/backend-ts');
    expect(ours?.native).toBe(false);
    expect(ours?.bytes).toBeGreaterThan(1000);
    expect(installSize('no-such-package-softmax-kit')).toBeNull();
  });
});

describe('runPeerChecks', () => {
  it('checks ours and the peers with the same inputs: ours defined where the peers give NaN', async () => {
    const checks = await runPeerChecks();
    const wasm = checks.find((check) => check.subject === 'wasm');
    const onnx = checks.find((check) => check.subject === 'peer:onnxruntime-node');
    expect(wasm?.edges['all -Infinity (fully masked row)']).toBe('error ALL_MASKED');
    expect(wasm?.edges['a +Infinity logit']).toBe('[1, 0, 0]');
    // float32 output: the error of a correctly rounded result is at most u = 2^-24 ~ 6e-8; the
    // backend's exp adds a few ulps (SPEC's bound for float32 is 4u per entry at n = 10^6).
    expect(wasm?.maxRelativeError['1048576']).toBeLessThan(4 * 2 ** -24 * 2);
    expect(onnx?.edges['a +Infinity logit']).toBe('NaN');
    expect(onnx?.native).toBe(true);
    // The log ops, measured relative to their terms (SPEC): ours within a few float32 ulps at
    // 1M entries; onnxruntime's logSoftmax gives NaN for a +Infinity logit, ours the limit.
    expect(wasm?.ops?.logSumExp?.maxError['1048576']).toBeLessThan(8 * 2 ** -24);
    expect(wasm?.ops?.logSoftmax?.maxError['1048576']).toBeLessThan(8 * 2 ** -24);
    expect(wasm?.ops?.logSumExp?.edges['all -Infinity (fully masked row)']).toBe('[-Infinity]');
    expect(onnx?.ops?.logSoftmax?.edges['a +Infinity logit']).toBe('NaN');
    expect(onnx?.ops?.logSumExp?.maxError['32768']).toBeLessThan(1e-3);
    const transformers = checks.find((check) => check.subject === 'peer:transformers.js');
    expect(transformers?.ops?.logSumExp?.unavailable).toMatch(/has no logSumExp/);
    expect(transformers?.ops?.logSoftmax?.maxError['32768']).toBeGreaterThan(0);
    expect(peerFacts(onnx as NonNullable<typeof onnx>)).toMatch(
      /^native addon; [\d.]+ MB installed \(\d+ packages\); float32 error [\d.]+e-\d at 1M entries; NaN for: /,
    );
  }, 120_000);
});
