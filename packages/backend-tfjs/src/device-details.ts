import type { Tf } from './tfjs-types.js';

type Details = Record<string, string | number | boolean>;

/**
 * Facts about the active tfjs device for `capabilities.details` (best effort: a fact that cannot
 * be read is left out). Call with the device active.
 *
 * @example
 * ```ts
 * await deviceDetails(tf, 'webgl'); // { webglVersion: 2, webglRenderer: 'ANGLE (Google, Vulkan ...)', ... }
 * ```
 */
export async function deviceDetails(tf: Tf, backendName: string): Promise<Details> {
  const details: Details = {};
  const backend = tf.backend() as unknown as Record<string, unknown>;
  try {
    details.tfjsReportedFloatPrecision = (backend as { floatPrecision(): number }).floatPrecision();
  } catch {}
  try {
    if (backendName === 'webgl') Object.assign(details, webglDetails(tf, backend));
    if (backendName === 'webgpu') Object.assign(details, webgpuDetails(backend));
    if (backendName === 'wasm') {
      details.wasmSimd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      details.wasmThreads = Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    }
  } catch {}
  return details;
}

function webglDetails(tf: Tf, backend: Record<string, unknown>): Details {
  const details: Details = {
    webglVersion: tf.env().getNumber('WEBGL_VERSION'),
    webglRenderFloat32: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'),
  };
  const gl = (backend.gpgpu as { gl?: WebGLRenderingContext } | undefined)?.gl;
  if (gl !== undefined) {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    details.webglRenderer = String(
      gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL),
    );
  }
  return details;
}

function webgpuDetails(backend: Record<string, unknown>): Details {
  const info = backend.adapterInfo as { vendor?: string; architecture?: string } | undefined;
  const details: Details = {};
  if (info?.vendor) details.webgpuVendor = info.vendor;
  if (info?.architecture) details.webgpuArchitecture = info.architecture;
  return details;
}
