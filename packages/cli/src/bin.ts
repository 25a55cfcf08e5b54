#!/usr/bin/env node
import { processIo } from './commands/io.js';
import { main } from './main.js';

// Node exits 0 when only a never-settling promise is left (a backend that never answers and
// holds no timer): make that exit 1 with a message instead of a silent "success".
let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  process.stderr.write(
    'softmax-kit: stopped waiting: a promise never settled and nothing was left to wait for (no result)\n',
  );
  process.exitCode = 1;
});

main(process.argv.slice(2), processIo()).then(
  (code) => {
    finished = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `softmax-kit: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    finished = true;
    process.exitCode = 1;
  },
);
