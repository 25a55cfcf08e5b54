// The vitest browser command defined in vitest.config.ts (writes a conformance report).
import 'vitest/browser';

declare module 'vitest/browser' {
  interface BrowserCommands {
    writeConformanceReport(name: string, json: string): Promise<void>;
  }
}
