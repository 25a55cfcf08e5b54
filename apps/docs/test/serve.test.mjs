/**
 * The docs server (scripts/serve.mjs) against hostile requests, on loopback only. The server runs
 * as a child process, exactly as `pnpm start` and `preview -- --port N` run it, so a request that
 * crashed it shows as the child having exited. Every request and the start-up have a time limit.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'serve.mjs');
const REQUEST_TIMEOUT_MS = 5_000;
const START_TIMEOUT_MS = 15_000;

/**
 * Sends one raw request (the path is sent as written: no URL normalisation, so `/.` and `/%`
 * reach the server) and resolves with status, headers and body, or `{ error }` when the
 * connection ended without a complete response. Rejects after REQUEST_TIMEOUT_MS.
 */
function send(port, path, method = 'GET') {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      outgoing.destroy();
      reject(new Error(`${method} ${path}: no answer within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
    const outgoing = request(
      { host: '127.0.0.1', port, path, method, agent: false },
      (incoming) => {
        const chunks = [];
        incoming.on('data', (chunk) => chunks.push(chunk));
        incoming.on('error', (error) => {
          clearTimeout(timer);
          resolvePromise({ error });
        });
        incoming.on('end', () => {
          clearTimeout(timer);
          resolvePromise({
            status: incoming.statusCode,
            headers: incoming.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      resolvePromise({ error });
    });
    outgoing.end();
  });
}

/** Starts `node serve.mjs <dir> -- --port 0` and resolves with the child and its port. */
function startServer(dir) {
  const child = spawn(process.execPath, [script, dir, '--', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolvePromise, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`server did not start within ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    const read = (chunk) => {
      output += chunk.toString('utf8');
      const match = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ child, port: Number(match[1]), output: () => output });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening: ${output}`));
    });
  });
}

describe('the docs server', () => {
  let work;
  let root;
  let server;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'softmax-kit-serve-'));
    root = join(work, 'site');
    mkdirSync(join(root, 'guide'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<h1>home page</h1>');
    writeFileSync(join(root, 'guide', 'intro.html'), '<h1>intro page</h1>');
    writeFileSync(join(root, '404.html'), '<h1>the 404 page</h1>');
    writeFileSync(join(root, 'removed.html'), 'removed after start-up');
    // Outside the root: `<root>.html` (what `GET /.` reached before) and a secret reached only
    // through symbolic links inside the root (a file link and a folder link).
    writeFileSync(join(work, 'site.html'), 'OUTSIDE: site.html');
    mkdirSync(join(work, 'private'));
    writeFileSync(join(work, 'private', 'secret.html'), 'OUTSIDE: secret');
    symlinkSync(join(work, 'private', 'secret.html'), join(root, 'linked.html'));
    symlinkSync(join(work, 'private'), join(root, 'linked-folder'));
    server = await startServer(root);
  });

  after(() => {
    server?.child.kill();
    rmSync(work, { recursive: true, force: true });
  });

  /** The server is still running after the requests of a test. */
  function assertAlive() {
    assert.equal(server.child.exitCode, null, `the server exited: ${server.output()}`);
  }

  test('serves a page with the cross-origin isolation headers, and clean URLs', async () => {
    const home = await send(server.port, '/');
    assert.equal(home.status, 200);
    assert.equal(home.body, '<h1>home page</h1>');
    assert.equal(home.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(home.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.match(home.headers['content-type'], /^text\/html/);
    const intro = await send(server.port, '/guide/intro');
    assert.equal(intro.status, 200);
    assert.equal(intro.body, '<h1>intro page</h1>');
    const head = await send(server.port, '/guide/intro.html', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assertAlive();
  });

  test('answers an unknown path with the site 404 page and status 404', async () => {
    const missing = await send(server.port, '/no/such/page');
    assert.equal(missing.status, 404);
    assert.equal(missing.body, '<h1>the 404 page</h1>');
    assert.equal(missing.headers['cross-origin-embedder-policy'], 'require-corp');
  });

  test('survives malformed percent escapes (GET /%) and keeps serving', async () => {
    for (const path of ['/%', '/%zz', '/guide/%E0%A4%A', '/%00']) {
      const answer = await send(server.port, path);
      assert.equal(answer.status, 404, path);
    }
    assertAlive();
    assert.equal((await send(server.port, '/')).status, 200);
  });

  test('never serves a file outside its root through dot segments', async () => {
    for (const path of [
      '/.',
      '/..',
      '/../site.html',
      '/%2e',
      '/%2e%2e/site.html',
      '/..%2fsite.html',
      '/guide/../../site.html',
      '/..\\site.html',
    ]) {
      const answer = await send(server.port, path);
      assert.ok(!answer.body?.includes('OUTSIDE'), `${path} served a file outside the root`);
      assert.notEqual(answer.status, 200, path);
    }
    assertAlive();
  });

  test('does not follow symbolic links that leave the root', async () => {
    for (const path of ['/linked.html', '/linked', '/linked-folder/secret.html']) {
      const answer = await send(server.port, path);
      assert.equal(answer.status, 404, path);
      assert.ok(!answer.body.includes('OUTSIDE'), `${path} served a file through a link`);
    }
  });

  test('ends one response, not the process, when a file cannot be read', async () => {
    rmSync(join(root, 'removed.html'));
    const answer = await send(server.port, '/removed.html');
    // Either the connection is cut (headers were already sent) or an error status: never the
    // file, never a crash.
    assert.ok(answer.error !== undefined || answer.status >= 400, JSON.stringify(answer));
    assertAlive();
    assert.equal((await send(server.port, '/')).status, 200);
  });

  test('answers methods other than GET and HEAD with 405 and an Allow header', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await send(server.port, '/', method);
      assert.equal(answer.status, 405, method);
      assert.equal(answer.headers.allow, 'GET, HEAD', method);
    }
    assertAlive();
  });
});
