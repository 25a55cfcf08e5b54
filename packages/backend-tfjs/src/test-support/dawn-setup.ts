/**
 * Vitest setup of the `node-webgpu` project: WebGPU in Node through Dawn (the `webgpu` npm
 * package) on SwiftShader's Vulkan driver, installed with Debian's Chromium. Dawn rejects Mesa's
 * lavapipe, so the loader is pointed at SwiftShader before Dawn starts.
 */
import { create, globals } from 'webgpu';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
Object.assign(globalThis, globals);
Object.defineProperty(globalThis, 'navigator', {
  value: { gpu: create([]) },
  configurable: true,
  writable: true,
});
