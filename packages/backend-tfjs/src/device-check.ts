import type { TfjsDevice } from './load-device.js';

/**
 * Why `device` cannot run in this runtime, or `undefined` when it may. Checked before TensorFlow.js
 * tries to initialise the device, because tfjs only prints a warning and returns `false`; these
 * checks give the user the reason instead.
 *
 * @example
 * ```ts
 * await deviceUnavailableReason('webgpu'); // 'navigator.gpu is undefined: ...' in Node
 * ```
 */
export async function deviceUnavailableReason(device: TfjsDevice): Promise<string | undefined> {
  if (device === 'webgl') return webglUnavailableReason();
  if (device === 'webgpu') return webgpuUnavailableReason();
  return undefined;
}

function webglUnavailableReason(): string | undefined {
  const scope = globalThis as {
    document?: { createElement(tag: 'canvas'): HTMLCanvasElement };
    OffscreenCanvas?: typeof OffscreenCanvas;
  };
  let canvas: HTMLCanvasElement | OffscreenCanvas;
  if (scope.OffscreenCanvas !== undefined) canvas = new scope.OffscreenCanvas(1, 1);
  else if (scope.document !== undefined) canvas = scope.document.createElement('canvas');
  else {
    return 'WebGL needs a browser: this runtime has neither OffscreenCanvas nor document';
  }
  const context = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as
    | WebGLRenderingContext
    | WebGL2RenderingContext
    | null;
  if (context === null) {
    return 'this browser gives no WebGL context (WebGL disabled, or no GPU and no software renderer)';
  }
  // Release the test context at once; browsers cap the number of live WebGL contexts.
  context.getExtension('WEBGL_lose_context')?.loseContext();
  return undefined;
}

/** The part of the WebGPU API used here (kept local: not every TypeScript lib has WebGPU types). */
interface GpuLike {
  requestAdapter(): Promise<object | null>;
}

async function webgpuUnavailableReason(): Promise<string | undefined> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (gpu === undefined) {
    return "navigator.gpu is undefined, so this runtime has no WebGPU (Chromium on Linux needs --enable-unsafe-webgpu; in Node assign the `webgpu` package's GPU object to globalThis.navigator.gpu first)";
  }
  try {
    const adapter = await gpu.requestAdapter();
    if (adapter === null) return 'navigator.gpu.requestAdapter() found no WebGPU adapter';
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return undefined;
}
