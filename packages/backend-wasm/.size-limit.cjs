// size-limit checks (`pnpm size`). The one-thread backend is measured without the threads chunk,
// which dist/index.js imports lazily, only when wasmBackend({ threads }) asks for more than one
// thread (bundlers split it off the same way); the second check adds it, with its own budget.
const lazyThreadsChunk = {
  name: 'lazy-threads-chunk',
  setup(build) {
    build.onResolve({ filter: /[/\\]threads-[A-Z0-9]+\.js$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};
const withoutThreads = (config) => ({
  ...config,
  plugins: [...(config.plugins ?? []), lazyThreadsChunk],
});

module.exports = [
  {
    name: 'wasmBackend (one thread) on top of core: @softmax-kit/backend-wasm dist with its inline module, @softmax-kit/core and the lazy threads chunk left out, minified, gzipped',
    import: { './dist/index.js': '{ wasmBackend }' },
    ignore: ['@softmax-kit/core'],
    modifyEsbuildConfig: withoutThreads,
    gzip: true,
    limit: '9.5 KB', // 9.1 kB: 7.3 kB with the sampler's SIMD row passes, then the relaxed-SIMD variant (its $expSum body and the splice), the sampler's pickValues (8.18 kB), then top-p's split ($expSplit, a function of its own) and the held row
  },
  {
    name: 'wasmBackend with threads on top of core: the above plus the threads chunk (worker source, shared-memory module variant, split logic), minified, gzipped',
    import: { './dist/index.js': '{ wasmBackend }' },
    ignore: ['@softmax-kit/core'],
    gzip: true,
    // 9 KB until the workers were watched for their whole life (take-back of unclaimed parts,
    // bounded sync waits, Atomics.waitAsync for the asynchronous API, threadState): 9.13 KB.
    limit: '14.75 KB', // 14.37 kB: 10.6 kB with the row passes and the workers' liveness watch, then the relaxed-SIMD variant (11.52 kB), then top-p's split (12.45 kB), then the sampler's rows on the workers (rows-ahead.ts, ahead-row.ts)
  },
  {
    name: 'createSoftmax + wasmBackend (one thread): @softmax-kit/core + @softmax-kit/backend-wasm, minified, gzipped',
    import: { '@softmax-kit/core': '{ createSoftmax }', './dist/index.js': '{ wasmBackend }' },
    modifyEsbuildConfig: withoutThreads,
    gzip: true,
    limit: '18.75 KB', // 18.62 kB: 15.9 kB with the row passes, core's short path and the capability checks, then the relaxed-SIMD variant (16.77 kB), then top-p's split (18.24 kB), then core's ahead pass and the split's band values
  },
];
