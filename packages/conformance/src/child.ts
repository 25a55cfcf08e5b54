/**
 * The watchdog child of `runIsolated` (see `isolated-run.ts`): receives one backend's run
 * settings over IPC, runs it in-process with the time limits, streams progress, sends the
 * outcome and exits (some device runtimes keep the event loop alive after dispose).
 */
import { type IsolatedRunSettings, runInProcess } from './isolated-run.js';

function send(message: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

process.once('message', (message: { type: 'run'; settings: IsolatedRunSettings }) => {
  runInProcess(message.settings, {
    onLoaded: (name) => void send({ type: 'loaded', name }),
    onStarted: (capabilities) => void send({ type: 'started', capabilities }),
    onProgress: (event) => void send({ type: 'progress', event }),
  })
    .then((outcome) => send({ type: 'done', outcome }))
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`softmax-kit conformance child: ${String(error)}\n`);
        process.exit(1);
      },
    );
});
