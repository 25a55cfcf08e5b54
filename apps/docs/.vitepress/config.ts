import { defineConfig } from 'vitepress';

// The site's pages live in src/; data comes from the repo-root reports/ (see .vitepress/lib/reports.ts)
// and is read at build time by the *.data.ts loaders.
export default defineConfig({
  title: 'softmax-kit',
  description:
    'softmax, log-softmax and log-sum-exp with temperature, defined for every input, on pluggable backends',
  srcDir: 'src',
  cleanUrls: false,
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/guide/getting-started' },
      { text: 'Choose a backend', link: '/choose-backend' },
      { text: 'Conformance', link: '/conformance' },
      { text: 'Speed', link: '/speed' },
      { text: 'Playground', link: '/playground' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/guide/getting-started' },
          { text: 'The contract', link: '/guide/contract' },
          { text: 'SPEC.md (normative)', link: '/guide/spec' },
          { text: 'Writing a backend', link: '/guide/writing-a-backend' },
          { text: 'Conformance in CI', link: '/guide/conformance-in-ci' },
        ],
      },
      {
        text: 'Compare',
        items: [
          { text: 'Choose a backend', link: '/choose-backend' },
          { text: 'Conformance matrix', link: '/conformance' },
          { text: 'Speed', link: '/speed' },
          { text: 'Playground', link: '/playground' },
        ],
      },
      { text: 'API reference', link: '/api/' },
    ],
    search: { provider: 'local' },
  },
  vite: {
    // Workspace packages are used from source, so the site needs no prior build of them.
    resolve: { conditions: ['@softmax-kit/source'] },
    // tfjs ships CommonJS-free ESM; keep the wasm backend's .wasm files as separate assets.
    assetsInclude: ['**/*.wasm'],
    build: { chunkSizeWarningLimit: 4000 },
    server: {
      headers: {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
      },
    },
  },
});
