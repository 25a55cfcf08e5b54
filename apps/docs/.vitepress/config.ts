import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type DefaultTheme, defineConfig } from 'vitepress';
import { loadReports } from './lib/load-reports.js';
import { reportFiles } from './lib/report-files.js';

/**
 * The API reference's sidebar as TypeDoc wrote it (scripts/gen-api.mjs), with each package's
 * subpath entry points (`@softmax-kit/conformance/vitest`) nested under the package.
 */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const file = fileURLToPath(new URL('../src/api/typedoc-sidebar.json', import.meta.url));
  if (!existsSync(file)) return [];
  const modules = JSON.parse(readFileSync(file, 'utf8')) as DefaultTheme.SidebarItem[];
  const packages: DefaultTheme.SidebarItem[] = [];
  for (const module of modules) {
    const parent = packages.find((item) => module.text?.startsWith(`${item.text}/`));
    if (parent)
      parent.items = [
        ...(parent.items ?? []),
        { ...module, text: module.text!.slice(parent.text!.length) },
      ];
    else packages.push({ ...module });
  }
  return packages;
}

const guideSidebar: DefaultTheme.SidebarItem[] = [
  {
    text: 'Guide',
    items: [
      { text: 'Getting started', link: '/guide/getting-started' },
      { text: 'The contract', link: '/guide/contract' },
      { text: 'SPEC.md (normative)', link: '/guide/spec' },
      { text: 'Writing a backend', link: '/guide/writing-a-backend' },
      { text: 'Sampling', link: '/guide/sampling' },
      { text: 'Use with transformers.js', link: '/guide/transformers-js' },
      { text: 'Sampling methods (v1.1)', link: '/guide/sampling-methods' },
      { text: 'Speculative decoding and beam search', link: '/guide/decoding' },
      { text: 'Conformance in CI', link: '/guide/conformance-in-ci' },
      { text: 'CLI reference', link: '/guide/cli' },
    ],
  },
  {
    text: 'Compare',
    items: [
      { text: 'Choose a backend', link: '/choose-backend' },
      { text: 'Conformance matrix', link: '/conformance' },
      { text: 'Speed', link: '/speed' },
      { text: 'Performance goals', link: '/goals' },
      { text: 'Playground', link: '/playground' },
    ],
  },
  { text: 'API reference', link: '/api/' },
];

// The site's pages live in src/; the API reference (src/api/) and the CLI reference are
// generated before the build (scripts/gen-api.mjs).
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
      { text: 'API', link: '/api/' },
    ],
    sidebar: {
      '/api/': [{ text: 'API reference', link: '/api/', items: apiSidebar() }, ...guideSidebar],
      '/': guideSidebar,
    },
    search: { provider: 'local' },
  },
  async buildEnd(site) {
    for (const [path, text] of Object.entries(reportFiles(loadReports()))) {
      const file = join(site.outDir, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, text);
      // Precompressed beside it (conformance.json is ~1 MB, ~0.1 MB gzipped) for servers that
      // serve `.gz` files (sirv with `gzip: true`; static hosts compress JSON themselves).
      await writeFile(`${file}.gz`, gzipSync(text, { level: 9 }));
    }
  },
  vite: {
    plugins: [
      /**
       * The measured reports (repo-root reports/, or SOFTMAX_KIT_REPORTS_DIR) as static JSON under
       * data/: the dev server answers them from the reports as they are now; the build writes them
       * into the output folder (buildEnd). Pages fetch only the files they show.
       */
      {
        name: 'softmax-kit-reports',
        configureServer(server) {
          server.middlewares.use((request, response, next) => {
            const path = (request.url ?? '').split('?')[0]!.replace(/^\//, '');
            const text = reportFiles(loadReports())[path];
            if (text === undefined) return next();
            response.setHeader('Content-Type', 'application/json; charset=utf-8');
            response.end(text);
          });
        },
      },
    ],
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
