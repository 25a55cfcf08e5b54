#!/usr/bin/env node
// The `softmax-kit` bin: runs the built CLI in dist/. This file is committed (dist/ is not), so
// `pnpm install` on a fresh clone can link the bin before anything is built.
const entry = new URL('../dist/bin.js', import.meta.url);
import(entry.href).catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(entry.pathname)) {
    console.error(
      'softmax-kit: the CLI is not built yet: run `pnpm build` (or `pnpm --filter @softmax-kit/cli build`).',
    );
    process.exit(1);
  }
  throw error;
});
