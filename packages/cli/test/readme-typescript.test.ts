/**
 * Every TypeScript block of the READMEs and the docs guides runs as written, and prints (or
 * returns) what its comments say. A block runs alone, or after the block it continues
 * (CONTINUES: the reader pastes both); it fails if it throws, exits non-zero or does not finish.
 *
 * What is checked, from the comments as a reader would read them:
 * - `expr; // Float64Array [0.659001, 0.242433, 0.098566]` (the typed array's name and its
 *   values anywhere in the comment): the expression's value has that type and those values, to
 *   the significant digits shown; `const x = expr; // Float32Array` checks `x`'s type;
 * - `console.log(x); // 'NAN_INPUT'`: that exact line was printed;
 * - `console.log(...)` followed by comment lines: a printed line starts with that text (up to a
 *   trailing `...`).
 * Comments in other forms are prose and are not checked. Blocks that cannot run here are in
 * SKIPPED with the reason; a block neither run nor skipped fails the test, and so does a SKIPPED
 * entry that no document shows any more.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { documents, fences, repoRoot } from './markdown-blocks.js';

const cliRoot = fileURLToPath(new URL('..', import.meta.url));
const dist = process.env.SOFTMAX_KIT_DIST !== undefined;
// Inside node_modules (ignored by git), so `--import tsx` and `@softmax-kit/*` resolve from it;
// one folder per mode, as `pnpm test` runs the source and the dist runs at the same time.
const workDir = join(cliRoot, 'node_modules', '.cache', `readme-typescript${dist ? '-dist' : ''}`);
// A hang limit, not a speed check: conformance's README block runs the whole suite (fast profile)
// on tsBackend, about 80 s alone and more beside the other blocks on a 2-core machine.
const BLOCK_TIMEOUT_MS = 300_000;

/** Blocks that do not run here, keyed by `file#n` (its n-th TypeScript/JS block), with why. */
const SKIPPED: Record<string, string> = {
  'README.md#3':
    'the my-backend.js example: run by conformance/test/readme-example.test.ts (whole suite) and readme-commands.test.ts',
  'README.md#4':
    'a vitest test file (describeConformance registers tests): run by readme-commands.test.ts through `softmax-kit conformance --backend ./my-backend.js`',
  'packages/conformance/README.md#2': 'the same vitest test file as README.md#4',
  'packages/conformance/README.md#3': 'the same my-backend.js example as README.md#3',
  'apps/docs/src/guide/conformance-in-ci.md#1': 'the same vitest test file as README.md#4',
  'packages/cli/README.md#1':
    'reads the reports of a compare run (reports/bench/bench.json); compare.test.ts runs compare and checks the verdict it prints, src/verdict/decide.test.ts the rule on recorded runs',
  'packages/backend-tfjs-node/README.md#1':
    "needs @tensorflow/tfjs-node's native binding, which its install script downloads (no internet here; pnpm start says how)",
  'packages/backend-tfjs/README.md#2':
    'browser only: webgl, and @tensorflow/tfjs (the full bundle) is not a dependency here',
  'packages/backend-tfjs/README.md#3': 'browser only: webgpu (the Node recipe is block #6)',
  'packages/backend-tfjs/README.md#4': "a bundler recipe: `?url` imports are Vite's, not Node's",
  'packages/backend-tfjs/README.md#5': 'a vite.config.ts fragment, read by Vite, not run',
  'apps/docs/src/guide/transformers-js.md#1':
    "loads a model from the Hugging Face hub (no internet here): the same call site runs on a generated model in packages/transformers/README.md#1 (this test) and in that package's generate tests",
  'packages/backend-tfjs/README.md#6':
    "needs the `webgpu` npm package (Dawn) and Chromium's SwiftShader Vulkan driver: backend-tfjs's webgpu-node test runs it",
};

/** Blocks that continue an earlier block of the same document (the reader pastes both). */
const CONTINUES: Record<string, string> = {
  'README.md#2': 'README.md#1',
  'apps/docs/src/guide/getting-started.md#2': 'apps/docs/src/guide/getting-started.md#1',
  'apps/docs/src/guide/getting-started.md#3': 'apps/docs/src/guide/getting-started.md#2',
  'apps/docs/src/guide/writing-a-backend.md#2': 'apps/docs/src/guide/writing-a-backend.md#1',
  'packages/backend-wasm/README.md#5': 'packages/backend-wasm/README.md#4',
  'packages/sampling/README.md#2': 'packages/sampling/README.md#1',
  'packages/sampling/README.md#3': 'packages/sampling/README.md#1',
  'apps/docs/src/guide/decoding.md#2': 'apps/docs/src/guide/decoding.md#1',
  'apps/docs/src/guide/decoding.md#3': 'apps/docs/src/guide/decoding.md#1',
  'apps/docs/src/guide/decoding.md#4': 'apps/docs/src/guide/decoding.md#1',
};

interface Block {
  readonly where: string;
  readonly line: number;
  readonly code: string;
}

function collect(): Block[] {
  const blocks: Block[] = [];
  for (const file of documents()) {
    let n = 0;
    for (const fence of fences(readFileSync(join(repoRoot, file), 'utf8'))) {
      if (!['ts', 'typescript', 'js', 'javascript'].includes(fence.language)) continue;
      n += 1;
      blocks.push({ where: `${file}#${n}`, line: fence.line, code: fence.lines.join('\n') });
    }
  }
  return blocks;
}

const TYPED = /\b(Float32Array|Float64Array|Int32Array|Uint32Array)\s*\[([^\]]*)\]/;

/**
 * The block with checks added after the lines whose comments say what they give, and a
 * prelude that records console.log lines and a postlude that reports what did not match.
 */
export function instrument(code: string): string {
  const lines = code.split('\n');
  const out: string[] = [];
  const expectations: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const match = /^(\s*)(.*?);\s*\/\/\s?(.*)$/.exec(line);
    if (match && !/^\s*\/\//.test(line)) {
      const [, indent, statement, comment] = match as unknown as [string, string, string, string];
      const typed = TYPED.exec(comment);
      const declared = /^(?:const|let)\s+(\w+)\s*=/.exec(statement);
      const logged = /console\.log\((.*)\)$/.test(statement);
      const quoted = /^'([^']*)'/.exec(comment);
      if (logged && quoted) {
        out.push(line);
        expectations.push(`__expectLine(${JSON.stringify(quoted[1])}, ${index + 1});`);
        continue;
      }
      const typeOnly = /^(Float32Array|Float64Array)\b/.exec(comment);
      if (declared && (typed || typeOnly)) {
        out.push(line);
        out.push(
          `${indent}__check(${declared[1]}, ${JSON.stringify(typed?.[1] ?? typeOnly?.[1])}, ${JSON.stringify(typed?.[2] ?? null)}, ${index + 1});`,
        );
        continue;
      }
      if (!declared && typed && !/^(?:if|for|while|return|export|import)\b/.test(statement)) {
        out.push(
          `${indent}__check(${statement}, ${JSON.stringify(typed[1])}, ${JSON.stringify(typed[2])}, ${index + 1}); // ${comment}`,
        );
        continue;
      }
    }
    // console.log(...) followed by comment lines: the text a printed line starts with.
    if (/console\.log\(/.test(line) && /^\s*\/\/\s/.test(lines[index + 1] ?? '')) {
      const shown: string[] = [];
      for (let next = index + 1; /^\s*\/\/\s/.test(lines[next] ?? ''); next++) {
        shown.push((lines[next] as string).replace(/^\s*\/\/\s/, ''));
      }
      const prefix = shown.join(' ').replace(/[;,]?\s*\.\.\.\s*$/, '');
      expectations.push(`__expectPrefix(${JSON.stringify(prefix)}, ${index + 1});`);
    }
    out.push(line);
  }
  return `${PRELUDE}\n${out.join('\n')}\n${expectations.join('\n')}\n__done();\n`;
}

const PRELUDE = `
const __failures: string[] = [];
const __printed: string[] = [];
const __log = console.log.bind(console);
console.log = (...values: unknown[]) => {
  __printed.push(values.map((value) => (typeof value === 'string' ? value : String(value))).join(' '));
  __log(...values);
};
function __digits(token: string): number {
  return token.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').length || 1;
}
function __check(value: unknown, type: string, shown: string | null, line: number): void {
  const name = (value as object | null)?.constructor?.name;
  if (name !== type) __failures.push(\`line \${line}: a \${name}, the comment says \${type}\`);
  if (shown === null || name !== type) return;
  const tokens = shown.split(',').map((token) => token.trim()).filter((token) => token !== '');
  const actual = Array.from(value as ArrayLike<number>);
  if (actual.length !== tokens.length) {
    __failures.push(\`line \${line}: \${actual.length} values, the comment shows \${tokens.length}\`);
    return;
  }
  tokens.forEach((token, i) => {
    const expected = Number(token);
    const got = Number((actual[i] as number).toPrecision(Math.min(17, __digits(token))));
    if (got !== expected) __failures.push(\`line \${line}: value \${i} is \${actual[i]}, the comment says \${token}\`);
  });
}
function __expectLine(text: string, line: number): void {
  if (!__printed.includes(text)) __failures.push(\`line \${line}: printed \${JSON.stringify(__printed)}, the comment says \${text}\`);
}
function __expectPrefix(text: string, line: number): void {
  if (!__printed.some((printed) => printed.startsWith(text))) __failures.push(\`line \${line}: printed \${JSON.stringify(__printed)}, the comment says \${text}\`);
}
function __done(): void {
  if (__failures.length > 0) {
    process.stderr.write(\`COMMENT MISMATCH\\n\${__failures.join('\\n')}\\n\`);
    process.exitCode = 1;
  }
}
`;

function runNode(args: readonly string[], cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n[killed after ${BLOCK_TIMEOUT_MS} ms]`;
    }, BLOCK_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Import lines first (deduplicated), then the code of each part in order. */
function join2(parts: readonly string[]): string {
  const imports = new Set<string>();
  const bodies = parts.map((part) =>
    part
      .split('\n')
      .filter((line) => {
        if (/^import\s.*from\s+'[^']+';\s*$/.test(line)) {
          imports.add(line);
          return false;
        }
        return true;
      })
      .join('\n'),
  );
  return [...imports, ...bodies].join('\n');
}

const blocks = collect();
const byWhere = new Map(blocks.map((block) => [block.where, block]));
const continued = new Set(Object.values(CONTINUES));
const runnable = blocks.filter((block) => !(block.where in SKIPPED));

describe('the TypeScript blocks of the READMEs and guides', () => {
  it('are each run, or skipped with a reason that names a block still shown', () => {
    expect(blocks.length).toBeGreaterThan(15);
    for (const where of [...Object.keys(SKIPPED), ...Object.keys(CONTINUES), ...continued]) {
      expect(byWhere.has(where), `${where} is no longer a TypeScript block`).toBe(true);
    }
  });

  it(
    'checks the comments it understands, and fails on a wrong one',
    async () => {
      mkdirSync(workDir, { recursive: true });
      const file = join(workDir, 'wrong-comment.mts');
      writeFileSync(
        file,
        instrument(
          [
            'const a = new Float64Array([0.5, 0.25]); // Float32Array',
            'new Float64Array([0.659001234]); // Float64Array [0.659002]',
            "console.log('X'); // 'Y'",
          ].join('\n'),
        ),
      );
      const run = await runNode(['--import', 'tsx', file], workDir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('line 1: a Float64Array, the comment says Float32Array');
      expect(run.stderr).toContain('line 2: value 0 is 0.659001234, the comment says 0.659002');
      expect(run.stderr).toContain('line 3: printed ["X"], the comment says Y');
    },
    BLOCK_TIMEOUT_MS,
  );

  it.for(runnable.map((block) => [block.where, block] as const))(
    '%s runs as written and gives what its comments say',
    async ([where, block]) => {
      const parts = [block.code];
      for (let from = CONTINUES[where]; from !== undefined; from = CONTINUES[from]) {
        const earlier = byWhere.get(from);
        if (earlier) parts.unshift(earlier.code);
      }
      mkdirSync(workDir, { recursive: true });
      const file = join(workDir, `${where.replace(/\W+/g, '-')}.mts`);
      writeFileSync(file, instrument(join2(parts)));
      const conditions = dist ? [] : ['--conditions=@softmax-kit/source'];
      const run = await runNode([...conditions, '--import', 'tsx', file], workDir);
      expect(run.stderr, `${where}\n${run.stdout}`).not.toMatch(/COMMENT MISMATCH|Error/);
      expect(run.code).toBe(0);
    },
  );
});
