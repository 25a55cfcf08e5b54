#!/usr/bin/env node
/**
 * A tiny static server for the built site, with the cross-origin isolation headers that
 * TensorFlow.js's threaded wasm needs (COOP same-origin, COEP require-corp). Listens on localhost
 * only. Usage: node scripts/serve.mjs [dir] [--port N]   (port 0 or omitted: 4173, else a free one)
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Maps a URL path to a file under root (clean URLs, directories to index.html); null if none. */
function fileFor(root, urlPath) {
  const decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  const path = normalize(join(root, decoded));
  if (path !== root && !path.startsWith(root + sep)) return null;
  const candidates = [path, `${path}.html`, join(path, 'index.html')];
  return (
    candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile()) ?? null
  );
}

/**
 * Serves `root` on 127.0.0.1. Resolves with `{ url, close }` once listening.
 * `port` 0 picks a free port.
 */
export function serve(root, port = 0) {
  const absolute = resolve(root);
  const server = createServer((request, response) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    };
    let file = fileFor(absolute, request.url ?? '/');
    let status = 200;
    if (!file) {
      file = fileFor(absolute, '/404.html');
      status = 404;
    }
    if (!file) {
      response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(status, {
      ...headers,
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolvePromise({
        url: `http://localhost:${address.port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const portFlag = args.indexOf('--port');
  const wanted = portFlag >= 0 ? Number(args[portFlag + 1]) : 4173;
  const dir =
    args.find((arg, index) => !arg.startsWith('--') && index !== portFlag + 1) ??
    join(dirname(fileURLToPath(import.meta.url)), '..', '.vitepress', 'dist');
  if (!existsSync(join(dir, 'index.html'))) {
    console.error(`No built site in ${dir}: run pnpm --filter @softmax-kit/docs build first.`);
    process.exit(1);
  }
  let server;
  try {
    server = await serve(dir, wanted);
  } catch {
    server = await serve(dir, 0);
  }
  console.log(`softmax-kit docs: ${server.url}  (Ctrl-C to stop)`);
}
