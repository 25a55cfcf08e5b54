/**
 * Absolute paths of the machine that wrote a report, replaced by a placeholder, so nothing
 * published (the docs site, committed fixtures) names a folder of some build machine. Pure.
 */

/** What a redacted path reads as. */
export const REDACTED_PATH = '<path>';

// A POSIX path of two or more segments (`/home/u/x`, not `/s` or `1/2`), or a Windows drive path.
const POSIX = /(?<![\w.:/-])\/(?:[\w.@+-]+\/)+[\w.@+-]*/g;
const WINDOWS = /\b[A-Za-z]:\\(?:[^\s\\'"`]+\\)*[^\s\\'"`]*/g;
// package-relative tails worth keeping: `.../node_modules/@tensorflow/tfjs-node/lib/x.node`
const NODE_MODULES = /^.*\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/;

/**
 * Replaces absolute paths in `text`: inside `node_modules` by the package-relative rest
 * (`@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node`), elsewhere by `<path>`.
 *
 * @example
 * ```ts
 * redactPaths(`not found at ${process.cwd()}/node_modules/.pnpm/a@1/node_modules/a/b.node`);
 * // 'not found at a/b.node'
 * ```
 */
export function redactPaths(text: string): string {
  return text
    .replace(POSIX, (path) =>
      NODE_MODULES.test(path) ? path.replace(NODE_MODULES, '') : REDACTED_PATH,
    )
    .replace(WINDOWS, REDACTED_PATH);
}

/**
 * A JSON-like value with every string passed through {@link redactPaths} (a copy).
 *
 * @example
 * ```ts
 * redactReport({ reason: 'missing /srv/x/y.node' }); // { reason: 'missing <path>' }
 * ```
 */
export function redactReport<T>(value: T): T {
  if (typeof value === 'string') return redactPaths(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactReport(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactReport(item)]),
    ) as T;
  }
  return value;
}
