// Types for what browser tests import through Vite: asset URLs (`?url`) and the report command.
declare module '*.wasm?url' {
  const url: string;
  export default url;
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    writeConformanceReport(name: string, json: string): Promise<void>;
  }
}
