#!/usr/bin/env node
/**
 * Generates the reference pages before the VitePress build:
 *
 * - src/api/: the API reference by TypeDoc (typedoc-plugin-markdown + typedoc-vitepress-theme)
 *   from every entry point in every published package's `exports` (read from its package.json,
 *   so a new subpath or a new package appears by itself), one module per entry point named by
 *   its import path (`@softmax-kit/conformance/vitest`), nested under its package, types linked
 *   across packages, `@internal` and private members left out.
 * - src/guide/cli.md: the CLI reference, from the CLI's own help texts
 *   (`softmax-kit <command> --help`, the usage strings its option parser is defined with).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Application, Converter, ReflectionKind } from 'typedoc';

const docsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(docsRoot, '../..');
const apiDir = join(docsRoot, 'src', 'api');
const cliPage = join(docsRoot, 'src', 'guide', 'cli.md');
const sourceCondition = '@softmax-kit/source';

/** Every entry point of every published package: import path -> source file. */
export function entryPoints() {
  const entries = [];
  for (const folder of readdirSync(join(repoRoot, 'packages')).sort()) {
    const manifestPath = join(repoRoot, 'packages', folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.private) continue;
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === 'object' ? target?.[sourceCondition] : undefined;
      if (typeof source !== 'string' || !source.endsWith('.ts')) continue;
      const file = join(repoRoot, 'packages', folder, source);
      if (!existsSync(file)) continue;
      entries.push({
        name: subpath === '.' ? manifest.name : `${manifest.name}${subpath.slice(1)}`,
        file,
      });
    }
  }
  return entries;
}

async function generateApi(entries) {
  rmSync(apiDir, { recursive: true, force: true });
  const byFile = new Map(entries.map((entry) => [resolve(entry.file), entry.name]));
  const app = await Application.bootstrapWithPlugins({
    entryPoints: entries.map((entry) => entry.file),
    entryPointStrategy: 'resolve',
    tsconfig: join(docsRoot, 'tsconfig.typedoc.json'),
    plugin: ['typedoc-plugin-markdown', 'typedoc-vitepress-theme'],
    out: apiDir,
    docsRoot: join(docsRoot, 'src'),
    name: 'API reference',
    readme: 'none',
    excludeInternal: true,
    excludePrivate: true,
    excludeProtected: true,
    excludeExternals: true,
    skipErrorChecking: true,
    disableSources: true,
    githubPages: false,
    hideGenerator: true,
    hideBreadcrumbs: true,
    entryFileName: 'index',
    sort: ['kind', 'alphabetical'],
    // Warnings about the packages' comments belong to their own lint; errors still stop the build.
    logLevel: 'Error',
    // Markdown that Vue's template compiler reads as it is: no raw `<`/`{{` in prose.
    sanitizeComments: true,
    useCodeBlocks: true,
    parametersFormat: 'table',
    interfacePropertiesFormat: 'table',
  });
  // Name each module by its import path (TypeDoc would use the file path, e.g. "conformance/src/vitest").
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const file =
        context.getSymbolFromReflection(module)?.declarations?.[0]?.getSourceFile().fileName ??
        context.project.getSymbolIdFromReflection(module)?.fileName;
      const name = file ? byFile.get(resolve(file)) : undefined;
      if (name) module.name = name;
    }
  });
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the packages (see the messages above)');
  await app.generateOutputs(project);
  const modules = project.getChildrenByKind(ReflectionKind.Module).map((module) => module.name);
  return modules;
}

/** `[--backend ts,tfjs-cpu,...|all]` -> { flag: '--backend', value: 'ts,tfjs-cpu,...|all' }. */
export function usageOptions(usageLine) {
  return [...usageLine.matchAll(/\[(-{1,2}[\w-]+)(?:\s+([^\]]+))?\]/g)].map((match) => ({
    flag: match[1],
    value: match[2] ?? '',
  }));
}

const escapeCell = (text) => text.replace(/\|/g, '\\|');

async function generateCli() {
  let cli;
  try {
    cli = await import('@softmax-kit/cli');
  } catch (error) {
    writeFileSync(
      cliPage,
      `# CLI reference\n\nNot generated: the CLI is not built here (${error.message.split('\n')[0]}). Run \`pnpm build\`, then rebuild the docs.\n`,
    );
    return 0;
  }
  const capture = async (args) => {
    let out = '';
    const io = {
      stdout: (text) => {
        out += text;
      },
      stderr: (text) => {
        out += text;
      },
      stdinIsTty: true,
      stderrIsTty: false,
      readStdin: async () => '',
    };
    const code = await cli.main(args, io);
    return { code, out: out.trimEnd() };
  };
  const top = await capture(['--help']);
  const commands = [...top.out.matchAll(/^ {2}(\w[\w-]*)\s{2,}(.+)$/gm)].map((match) => ({
    name: match[1],
    summary: match[2],
  }));
  const lines = [
    '---',
    'outline: [2, 2]',
    '---',
    '',
    '# CLI reference',
    '',
    '`softmax-kit` (package `@softmax-kit/cli`): generated when these docs are built from the',
    "CLI's own help texts (`softmax-kit <command> --help`), so it says what the installed CLI accepts.",
    'Exit codes: 0 success, 1 a failed check or bad data, 2 bad arguments.',
    '',
    '```sh',
    'npx @softmax-kit/cli --help',
    '```',
    '',
    '```text',
    top.out,
    '```',
  ];
  for (const command of commands) {
    const help = await capture([command.name, '--help']);
    if (help.code !== 0) continue;
    const [usageLine = '', ...rest] = help.out.split('\n');
    const options = usageOptions(usageLine);
    lines.push(
      '',
      `## ${command.name}`,
      '',
      `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`,
      '',
    );
    lines.push('```text', help.out, '```', '');
    if (options.length) {
      lines.push('| option | value |', '|---|---|');
      for (const option of options) {
        lines.push(
          `| \`${option.flag}\` | ${option.value ? `\`${escapeCell(option.value)}\`` : '(flag)'} |`,
        );
      }
    }
    if (rest.length === 0) lines.push('');
  }
  writeFileSync(cliPage, `${lines.join('\n')}\n`);
  return commands.length;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const entries = entryPoints();
  mkdirSync(apiDir, { recursive: true });
  const modules = await generateApi(entries);
  const commands = await generateCli();
  console.log(
    `gen-api: ${modules.length} entry points (${modules.join(', ')}); CLI reference: ${commands} commands`,
  );
}
