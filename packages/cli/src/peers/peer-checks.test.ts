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
    expect(peerFacts(onnx as NonNullable<typeof onnx>)).toMatch(
      /^native addon; [\d.]+ MB installed \(\d+ packages\); float32 error [\d.]+e-\d at 1M entries; NaN for: /,
    );
  }, 120_000);
});
