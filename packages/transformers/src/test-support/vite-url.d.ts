// Vite's `?url` imports (browser tests only): the asset's served URL.
declare module '*?url' {
  const url: string;
  export default url;
}
