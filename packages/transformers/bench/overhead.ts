/**
 * The adapter's cost per generated token against transformers.js's own sampling, on the same
 * generated model (bench, not a test): `generate()` of a folded bigram model (a Gather from a
 * [R, V] table of Zipf-like rows) at V = 32,000 and 128,000, one sequence, 64 new tokens,
 * subjects alternated in one process; median over rounds of ms per token.
 *
 *   flock /work/locks/bench.lock pnpm --filter @softmax-kit/transformers bench
 *
 * Options: --rounds N (default 7), --tokens N (default 64), --vocab 32000,128000.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { tsBackend } from '@softmax-kit/backend-ts';
import { wasmBackend } from '@softmax-kit/backend-wasm';
import { createSoftmax } from '@softmax-kit/core';
import { createSampler } from '@softmax-kit/sampling';
import { bigramModelFiles } from '../src/bigram-model.js';
import { softmaxKitSampling } from '../src/index.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    tokens: { type: 'string', default: '64' },
    vocab: { type: 'string', default: '32000,128000' },
  },
});
const rounds = Number(values.rounds);
const tokens = Number(values.tokens);
const vocabularies = values.vocab.split(',').map(Number);
const ROWS = 16;

const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const root = mkdtempSync(join(tmpdir(), 'softmax-kit-transformers-bench-'));
env.allowRemoteModels = false;
env.localModelPath = root;
env.useFSCache = false;
const ts = await createSoftmax(tsBackend());
const wasm = await createSoftmax(wasmBackend());

console.log(
  `transformers.js ${env.version}, Node ${process.version}, ${rounds} rounds of ${tokens} tokens, one sequence`,
);
console.log('| V | subject | ms/token (median) | range | adapter minus transformers.js sampling |');
console.log('|---|---|---|---|---|');
try {
  for (const size of vocabularies) {
    const words = ['<eos>', ...Array.from({ length: size - 1 }, (_, id) => `w${id + 1}`)];
    // Zipf-like rows, as language models' next-token logits are: token t of row r has rank
    // (7919 t + 104729 r) mod V (a permutation: 7919 is prime to V) and logit -1.5 ln(1 + rank),
    // so top-p 0.9 keeps a few hundred tokens.
    const logits = new Float32Array(ROWS * size);
    for (let row = 0; row < ROWS; row++) {
      for (let token = 0; token < size; token++) {
        const rank = (7919 * token + 104729 * row) % size;
        logits[row * size + token] = -1.5 * Math.log1p(rank);
      }
    }
    for (const [file, bytes] of bigramModelFiles({ words, logits })) {
      const path = join(root, `v${size}`, file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
    }
    const model = await AutoModelForCausalLM.from_pretrained(`v${size}`, { dtype: 'fp32' });
    const tokenizer = await AutoTokenizer.from_pretrained(`v${size}`);
    const inputs = tokenizer('w1 w2');
    // Every subject generates exactly `tokens` tokens: <eos> is held off by min_new_tokens.
    const common = { ...inputs, max_new_tokens: tokens, min_new_tokens: tokens };
    const subjects: [string, () => Promise<object>][] = [
      ['transformers.js greedy (do_sample: false)', async () => ({ do_sample: false })],
      ['transformers.js sampling (do_sample: true, top_k 50)', async () => ({ do_sample: true })],
      [
        'softmax-kit tsBackend, topP 0.9',
        async () =>
          (await softmaxKitSampling({ softmax: ts, topP: 0.9, seed: 1 })).options({ ...common }),
      ],
      [
        'softmax-kit wasmBackend, topP 0.9',
        async () =>
          (await softmaxKitSampling({ softmax: wasm, topP: 0.9, seed: 1 })).options({ ...common }),
      ],
      [
        'softmax-kit wasmBackend, topP 0.9, records (top 5, entropy)',
        async () =>
          (
            await softmaxKitSampling({ softmax: wasm, topP: 0.9, seed: 1, record: { topN: 5 } })
          ).options({ ...common }),
      ],
    ];
    const times = subjects.map(() => [] as number[]);
    for (let round = -1; round < rounds; round++) {
      for (const [index, [, options]] of subjects.entries()) {
        const kwargs = { ...common, ...(await options()) };
        const start = performance.now();
        const out = await model.generate(kwargs as never);
        const elapsed = performance.now() - start;
        const generated = (out as { dims: number[] }).dims[1]! - inputs.input_ids.dims[1]!;
        if (generated !== tokens) throw new Error(`${generated} tokens instead of ${tokens}`);
        if (round >= 0) times[index]!.push(elapsed / tokens); // round -1 warms up
      }
    }
    // The sampler alone on one row of the same logits (what the adapter adds around it is the
    // rest): ms per call, median of rounds of 64 calls.
    const row = logits.slice(2 * size, 3 * size);
    const alone = (
      [
        ['sampleSync alone, tsBackend, topP 0.9', createSampler(ts)],
        ['sampleSync alone, wasmBackend, topP 0.9', createSampler(wasm)],
      ] as const
    ).map(([name, sampler]) => {
      const list: number[] = [];
      for (let round = -1; round < rounds; round++) {
        const start = performance.now();
        for (let call = 0; call < tokens; call++) {
          sampler.sampleSync(row, { topP: 0.9, seed: 1, step: call });
        }
        if (round >= 0) list.push((performance.now() - start) / tokens);
      }
      return [name, list] as const;
    });
    // The adapter's own step (the processor as generate() calls it: a fresh copy of the logits,
    // the keying, the sampler, the one-hot rewrite) against sampleSync alone on the same copy:
    // the difference is what the glue costs. ms per call, median of rounds of `tokens` calls.
    const { Tensor } = await import('@huggingface/transformers');
    const sampler = createSampler(wasm);
    const step: number[] = [];
    const bare: number[] = [];
    for (let round = -1; round < rounds; round++) {
      const made = await softmaxKitSampling({ sampler, topP: 0.9, seed: 1 });
      const processors = made.options().logits_processor as (
        ids: bigint[][],
        logits: unknown,
      ) => unknown;
      const ids: bigint[][] = [[1n, 2n]];
      let start = performance.now();
      for (let call = 0; call < tokens; call++) {
        processors(ids, new Tensor('float32', row.slice(), [1, size]));
        ids[0]!.push(2n);
      }
      if (round >= 0) step.push((performance.now() - start) / tokens);
      start = performance.now();
      for (let call = 0; call < tokens; call++) {
        sampler.sampleSync(new Tensor('float32', row.slice(), [1, size]).data as Float32Array, {
          topP: 0.9,
          seed: 1,
          step: 2 + call,
        });
      }
      if (round >= 0) bare.push((performance.now() - start) / tokens);
    }
    const theirs = median(times[1]!);
    subjects.forEach(([name], index) => {
      const list = times[index]!;
      const mid = median(list);
      const over =
        index >= 2 ? `${(mid - theirs).toFixed(3)} ms (${(mid / theirs).toFixed(2)}x)` : '';
      console.log(
        `| ${size} | ${name} | ${mid.toFixed(3)} | ${Math.min(...list).toFixed(3)}-${Math.max(...list).toFixed(3)} | ${over} |`,
      );
    });
    for (const [name, list] of [
      ...alone,
      ['processor step alone, wasmBackend, topP 0.9', step],
      ['sampleSync on the same fresh copy, wasmBackend, topP 0.9', bare],
    ] as const) {
      console.log(
        `| ${size} | ${name} | ${median(list).toFixed(3)} | ${Math.min(...list).toFixed(3)}-${Math.max(...list).toFixed(3)} |  |`,
      );
    }
    console.log(
      `| ${size} | the adapter's own cost (processor step minus sampleSync, medians) | ${(median(step) - median(bare)).toFixed(3)} |  |  |`,
    );
    await model.dispose();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
