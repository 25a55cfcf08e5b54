/**
 * The code blocks of the READMEs and docs guides, shared by the tests that run them
 * (readme-commands.test.ts: shell commands; readme-typescript.test.ts: TypeScript blocks).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = join(fileURLToPath(new URL('..', import.meta.url)), '..', '..');

/**
 * The Markdown files whose code blocks are tested: the READMEs and the docs pages written by
 * hand (not the generated API pages), as paths relative to the repository root.
 */
export function documents(): string[] {
  const found = ['README.md', 'apps/docs/README.md'];
  for (const entry of readdirSync(join(repoRoot, 'packages'))) {
    if (existsSync(join(repoRoot, 'packages', entry, 'README.md'))) {
      found.push(`packages/${entry}/README.md`);
    }
  }
  const walk = (folder: string) => {
    for (const entry of readdirSync(join(repoRoot, folder), { withFileTypes: true })) {
      const path = `${folder}/${entry.name}`;
      // src/api is generated from the TSDoc, not written by hand.
      if (entry.isDirectory() && path !== 'apps/docs/src/api') walk(path);
      else if (entry.isFile() && entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk('apps/docs/src');
  return found;
}

export interface Fence {
  readonly language: string;
  readonly line: number;
  readonly lines: string[];
  /** The last non-blank line of prose before the fence. */
  readonly before: string;
}

/** The fenced code blocks of a Markdown text, with the prose line before each. */
export function fences(text: string): Fence[] {
  const result: Fence[] = [];
  const lines = text.split('\n');
  let prose = '';
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(\w*)\s*$/.exec(lines[index] ?? '');
    if (!open) {
      if ((lines[index] ?? '').trim() !== '') prose = lines[index] ?? '';
      continue;
    }
    const body: string[] = [];
    const start = index + 1;
    for (index++; index < lines.length && !/^```\s*$/.test(lines[index] ?? ''); index++) {
      body.push(lines[index] ?? '');
    }
    result.push({ language: open[1] ?? '', line: start, lines: body, before: prose });
    prose = '';
  }
  return result;
}
