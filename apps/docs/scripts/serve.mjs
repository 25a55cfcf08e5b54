#!/usr/bin/env node
/**
 * The static server for the built site (`pnpm start`, `pnpm --filter @softmax-kit/docs run
 * preview -- --port N`), on `sirv` with the cross-origin isolation headers that TensorFlow.js's
 * threaded wasm needs (COOP same-origin, COEP require-corp). Listens on 127.0.0.1 only.
 *
 * What sirv does for us: URL decoding that survives malformed escapes (`GET /%`), clean URLs
 * (`/guide/x` -> `guide/x.html`), ETags, and a file list taken once at start-up, so no request
 * path can name a file that was not under the root then (`GET /.` cannot reach `<root>.html`).
 * What this file adds: only GET and HEAD (405 otherwise), the site's 404 page, no file reached
 * through a symbolic link that leaves the root (sirv's walk follows links), and a read error
 * (a file removed after start-up) that ends one response instead of the process.
 *
 * Usage: node scripts/serve.mjs [dir] [--port N]
 *   dir: default .vitepress/dist;  --port: default 4173 (a free one if taken); 0 picks a free one.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sirv from 'sirv';

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const KEPT_HEADERS = new Set(Object.keys(ISOLATION_HEADERS).map((name) => name.toLowerCase()));
const ALLOWED_METHODS = 'GET, HEAD';

/**
 * The identities (`dev:ino`) of the regular files under `root`, found without following
 * symbolic links: a file sirv would send that is not among them was reached through a link.
 */
function filesUnder(root) {
  const identities = new Set();
  const pending = [root];
  while (pending.length > 0) {
    const folder = pending.pop();
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) {
        const stats = statSync(path);
        identities.add(`${stats.dev}:${stats.ino}`);
      }
    }
  }
  return identities;
}

class OutsideRoot extends Error {}

function plain(response, status, text, headers = {}) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  for (const name of response.getHeaderNames()) {
    if (!KEPT_HEADERS.has(name)) response.removeHeader(name);
  }
  response.writeHead(status, {
    ...ISOLATION_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-cache',
    ...headers,
  });
  response.end(text);
}

/**
 * The request handler for `root`: the site's files for GET and HEAD, 405 for other methods,
 * `404.html` (or a plain 404) for anything else.
 */
export function siteHandler(root) {
  const absolute = realpathSync(resolve(root));
  const inside = filesUnder(absolute);
  const notFoundPage = join(absolute, '404.html');
  const notFoundBody = existsSync(notFoundPage) ? readFileSync(notFoundPage) : undefined;
  const notFound = (_request, response) => {
    if (notFoundBody === undefined) return plain(response, 404, 'not found\n');
    response.writeHead(404, {
      ...ISOLATION_HEADERS,
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': notFoundBody.length,
      'Cache-Control': 'no-cache',
    });
    response.end(notFoundBody);
  };
  const files = sirv(absolute, {
    etag: true,
    // The pre-compressed reports (`data/*.json.gz`) are served to browsers that accept gzip.
    gzip: true,
    dotfiles: false,
    onNoMatch: notFound,
    setHeaders(response, _pathname, stats) {
      // Throwing here stops sirv before it writes anything: the caller answers 404.
      if (!inside.has(`${stats.dev}:${stats.ino}`)) throw new OutsideRoot();
      response.setHeader('Cache-Control', 'no-cache');
    },
  });
  return (request, response) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      plain(response, 405, `method ${request.method} not allowed\n`, { Allow: ALLOWED_METHODS });
      return;
    }
    // sirv pipes a read stream into the response; a read error (the file was removed or made
    // unreadable after start-up) would otherwise be an unhandled 'error' event.
    response.once('pipe', (source) => {
      source.once('error', () => plain(response, 500, 'could not read the file\n'));
    });
    try {
      files(request, response);
    } catch (error) {
      if (error instanceof OutsideRoot) notFound(request, response);
      else plain(response, 500, 'internal error\n');
    }
  };
}

/**
 * Serves `root` on 127.0.0.1 until closed. `port` 0 picks a free port. Resolves once listening.
 *
 * @example
 * ```js
 * const site = await serve('.vitepress/dist', 0);
 * console.log(site.url); // http://127.0.0.1:40123/
 * await site.close();
 * ```
 */
export function serve(root, port = 0) {
  const server = createServer(siteHandler(root));
  // A client that sends nothing does not hold a socket for ever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolvePromise({
        url: `http://127.0.0.1:${address.port}/`,
        port: address.port,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/** Reads `[dir] [--port N]`; `--` (as `pnpm run preview -- --port N` passes it) is ignored. */
function parseCommandLine(args) {
  let port = 4173;
  let dir;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--') continue;
    if (arg === '--port' || arg.startsWith('--port=')) {
      const text = arg === '--port' ? args[++index] : arg.slice('--port='.length);
      const value = Number(text);
      if (!/^\d{1,5}$/.test(text ?? '') || value > 65535) {
        throw new Error(`--port must be an integer from 0 to 65535, got '${text ?? ''}'`);
      }
      port = value;
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option '${arg}' (usage: serve.mjs [dir] [--port N])`);
    } else if (dir === undefined) {
      dir = arg;
    } else {
      throw new Error(`one folder only, got '${dir}' and '${arg}'`);
    }
  }
  return {
    port,
    dir: dir ?? join(dirname(fileURLToPath(import.meta.url)), '..', '.vitepress', 'dist'),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let options;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    console.error(`serve.mjs: ${error.message}`);
    process.exit(2);
  }
  if (!existsSync(join(options.dir, 'index.html'))) {
    console.error(
      `No built site in ${options.dir}: run pnpm --filter @softmax-kit/docs build first.`,
    );
    process.exit(1);
  }
  let site;
  try {
    site = await serve(options.dir, options.port);
  } catch (error) {
    if (error.code !== 'EADDRINUSE' || options.port === 0) throw error;
    site = await serve(options.dir, 0);
    console.log(`Port ${options.port} is in use; serving on ${site.port} instead.`);
  }
  console.log(`softmax-kit docs: ${site.url}  (${resolve(options.dir)}; Ctrl-C to stop)`);
  const stop = () => {
    void site.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
