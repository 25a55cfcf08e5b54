// Types for asset URLs that browser tests import through Vite (`?url`).
declare module '*.wasm?url' {
  const url: string;
  export default url;
}
