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
    limit: '8.25 KB', // 8.18 kB: 7.3 kB with the sampler's SIMD row passes, then the relaxed-SIMD variant (its $expSum body, 574 bytes, and the splice), then the sampler's pickValues
  },
  {
    name: 'wasmBackend with threads on top of core: the above plus the threads chunk (worker source, shared-memory module variant, split logic), minified, gzipped',
    import: { './dist/index.js': '{ wasmBackend }' },
    ignore: ['@softmax-kit/core'],
    gzip: true,
    // 9 KB until the workers were watched for their whole life (take-back of unclaimed parts,
    // bounded sync waits, Atomics.waitAsync for the asynchronous API, threadState): 9.13 KB.
    limit: '11.75 KB', // 11.52 kB: 10.6 kB with the row passes and the workers' liveness watch, then the relaxed-SIMD variant
  },
  {
    name: 'createSoftmax + wasmBackend (one thread): @softmax-kit/core + @softmax-kit/backend-wasm, minified, gzipped',
    import: { '@softmax-kit/core': '{ createSoftmax }', './dist/index.js': '{ wasmBackend }' },
    modifyEsbuildConfig: withoutThreads,
    gzip: true,
    limit: '17.25 KB', // 16.77 kB: 15.9 kB with the row passes, core's short path and the capability checks, then the relaxed-SIMD variant
  },
];
