#!/usr/bin/env node
/**
 * Generates the API reference (src/api/*.md) from the TSDoc comments of every public package's
 * entry point (packages/<name>/src/index.ts), with the TypeScript compiler API: each exported
 * symbol, its kind, its declaration, its documentation, @param/@returns/@example/@see tags, and
 * for interfaces and classes their documented members. Run before `vitepress build`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const docsRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(docsRoot, '../..');
const outDir = join(docsRoot, 'src', 'api');

/** `{@link Name}` / `{@link Name | label}` as inline code. */
function links(text) {
  return text.replace(
    /\{@link\s+([^}|\s]+)\s*(?:\|\s*([^}]*))?\}/g,
    (_, name, label) => `\`${(label || name).trim()}\``,
  );
}

/** Escapes `<` and `{{` outside inline code so Vue's template compiler leaves prose alone. */
function prose(text) {
  return links(text)
    .split(/(`[^`]*`)/)
    .map((part, index) =>
      index % 2 ? part : part.replace(/</g, '&lt;').replace(/\{\{/g, '&#123;&#123;'),
    )
    .join('');
}

/** Prose that may contain fenced code blocks: fences are kept as they are. */
function docText(text) {
  return text
    .split(/(```[\s\S]*?```)/)
    .map((part, index) => (index % 2 ? part : prose(part)))
    .join('');
}

function kindOf(declaration) {
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isVariableDeclaration(declaration)) return 'const';
  if (ts.isEnumDeclaration(declaration)) return 'enum';
  return 'export';
}

/** The declaration as code: a function's signature without its body; others as written, comments stripped. */
function declarationText(declaration, checker, name) {
  const source = declaration.getSourceFile().text;
  if (ts.isFunctionDeclaration(declaration)) {
    const end = declaration.body ? declaration.body.getStart() : declaration.getEnd();
    return `${source.slice(declaration.getStart(), end).trim()};`;
  }
  if (ts.isVariableDeclaration(declaration)) {
    const type = checker.typeToString(
      checker.getTypeAtLocation(declaration),
      declaration,
      ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.MultilineObjectLiterals,
    );
    return `const ${name}: ${type};`;
  }
  if (ts.isClassDeclaration(declaration)) {
    const header = source.slice(declaration.getStart(), declaration.members.pos).trim();
    return `${header} ... }`;
  }
  const printer = ts.createPrinter({ removeComments: true });
  return printer.printNode(ts.EmitHint.Unspecified, declaration, declaration.getSourceFile());
}

/**
 * The `@example` blocks as written (the compiler's tag text loses the code's indentation): read
 * from the raw comment above the declaration.
 */
function rawExamples(declaration) {
  const node = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
  const source = node.getSourceFile().text;
  const ranges = ts.getLeadingCommentRanges(source, node.pos) ?? [];
  const jsdoc = ranges
    .map((range) => source.slice(range.pos, range.end))
    .filter((text) => text.startsWith('/**'))
    .pop();
  if (!jsdoc) return [];
  const lines = jsdoc
    .replace(/^\/\*\*/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''));
  const examples = [];
  let current = null;
  let inFence = false;
  for (const line of lines) {
    if (!inFence && /^@\w+/.test(line)) {
      current = line.startsWith('@example') ? [line.slice('@example'.length).trim()] : null;
      if (current) examples.push(current);
      continue;
    }
    if (line.trim().startsWith('```')) inFence = !inFence;
    current?.push(line);
  }
  return examples.map((example) => example.join('\n').trim());
}

function tagsOf(symbol, checker) {
  const examples = rawExamples(symbol.declarations[0]);
  let exampleIndex = 0;
  return symbol.getJsDocTags(checker).map((tag) => ({
    name: tag.name,
    text:
      tag.name === 'example' && examples[exampleIndex] !== undefined
        ? examples[exampleIndex++]
        : links(ts.displayPartsToString(tag.text ?? [])),
  }));
}

function renderTags(tags) {
  const lines = [];
  const params = tags.filter((tag) => tag.name === 'param');
  if (params.length) {
    lines.push('**Parameters**', '');
    for (const param of params) {
      const [name, ...rest] = param.text.split(/\s+/);
      lines.push(`- \`${name}\`: ${prose(rest.join(' ').replace(/^-\s*/, ''))}`);
    }
    lines.push('');
  }
  for (const tag of tags.filter((item) => item.name === 'returns' || item.name === 'throws')) {
    lines.push(`**${tag.name === 'returns' ? 'Returns' : 'Throws'}**: ${prose(tag.text)}`, '');
  }
  for (const tag of tags.filter((item) => item.name === 'remarks' || item.name === 'see')) {
    lines.push(`**${tag.name === 'see' ? 'See' : 'Remarks'}**: ${docText(tag.text)}`, '');
  }
  for (const tag of tags.filter((item) => item.name === 'example')) {
    const text = tag.text.trim();
    const fence = text.indexOf('```');
    if (fence < 0) {
      lines.push('**Example**', '', '```ts', text, '```', '');
    } else {
      const title = text.slice(0, fence).trim();
      lines.push(
        `**Example${title ? `: ${prose(title)}` : ''}**`,
        '',
        text.slice(fence).trim(),
        '',
      );
    }
  }
  const deprecated = tags.find((tag) => tag.name === 'deprecated');
  if (deprecated) lines.push(`**Deprecated**: ${prose(deprecated.text)}`, '');
  return lines;
}

/** Documented members of an interface or class, as a table. */
function renderMembers(symbol, checker, declaration) {
  if (!ts.isInterfaceDeclaration(declaration) && !ts.isClassDeclaration(declaration)) return [];
  const rows = [];
  for (const member of declaration.members) {
    if (!member.name || ts.isConstructorDeclaration(member)) continue;
    const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
    if (modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.PrivateKeyword)) continue;
    if (member.name.getText().startsWith('#')) continue;
    const memberSymbol = checker.getSymbolAtLocation(member.name);
    const doc = memberSymbol
      ? ts.displayPartsToString(memberSymbol.getDocumentationComment(checker))
      : '';
    const optional = member.questionToken ? '?' : '';
    let type = '';
    if (ts.isMethodSignature(member) || ts.isMethodDeclaration(member)) {
      const signature = checker.getSignatureFromDeclaration(member);
      type = signature ? checker.signatureToString(signature, member) : '';
    } else if (member.type) {
      type = member.type.getText().replace(/\s+/g, ' ');
    } else if (memberSymbol) {
      type = checker.typeToString(checker.getTypeOfSymbolAtLocation(memberSymbol, member));
    }
    const isStatic = modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword)
      ? 'static '
      : '';
    rows.push(
      `| \`${isStatic}${member.name.getText()}${optional}\` | \`${type.replace(/\|/g, '\\|')}\` | ${prose(doc.replace(/\n+/g, ' ')).replace(/\|/g, '\\|')} |`,
    );
  }
  if (!rows.length) return [];
  void symbol;
  return ['| member | type | description |', '|---|---|---|', ...rows, ''];
}

function documentPackage(packageDir) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const sourceEntry = manifest.exports?.['.']?.['@softmax-kit/source'];
  if (manifest.private || !sourceEntry) return null;
  const entry = resolve(packageDir, sourceEntry);
  if (!existsSync(entry)) return null;
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    customConditions: ['@softmax-kit/source'],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(entry);
  const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
  if (!moduleSymbol) return null;
  const lines = [
    `# ${manifest.name}`,
    '',
    prose(manifest.description ?? ''),
    '',
    '<div v-pre>',
    '',
  ];
  const exported = checker
    .getExportsOfModule(moduleSymbol)
    .map((symbol) => ({
      name: symbol.getName(),
      target: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
    }))
    .filter(({ target }) => target.declarations?.length)
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const { name, target } of exported) {
    const declaration = target.declarations[0];
    const kind = kindOf(declaration);
    lines.push(`## ${name}`, '', `<small>${kind}</small>`, '');
    lines.push('```ts', declarationText(declaration, checker, name), '```', '');
    const doc = ts.displayPartsToString(target.getDocumentationComment(checker));
    if (doc) lines.push(docText(doc), '');
    lines.push(...renderTags(tagsOf(target, checker)));
    lines.push(...renderMembers(target, checker, declaration));
  }
  lines.push('</div>', '');
  return {
    name: manifest.name,
    slug: manifest.name.replace('@softmax-kit/', ''),
    markdown: lines.join('\n'),
    count: exported.length,
    description: manifest.description ?? '',
  };
}

const packagesDir = join(repoRoot, 'packages');
const documented = readdirSync(packagesDir)
  .sort()
  .filter((name) => existsSync(join(packagesDir, name, 'package.json')))
  .map((name) => {
    try {
      return documentPackage(join(packagesDir, name));
    } catch (error) {
      console.warn(`gen-api: skipped packages/${name}: ${error.message}`);
      return null;
    }
  })
  .filter(Boolean);

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const page of documented) writeFileSync(join(outDir, `${page.slug}.md`), page.markdown);
writeFileSync(
  join(outDir, 'index.md'),
  [
    '# API reference',
    '',
    "Generated from the TSDoc comments of each package's entry point (`packages/*/src/index.ts`) by",
    '`apps/docs/scripts/gen-api.mjs` when these docs were built.',
    '',
    '| package | exports | description |',
    '|---|---|---|',
    ...documented.map(
      (page) => `| [${page.name}](./${page.slug}) | ${page.count} | ${prose(page.description)} |`,
    ),
    '',
  ].join('\n'),
);
console.log(`gen-api: ${documented.map((page) => `${page.name} (${page.count})`).join(', ')}`);
