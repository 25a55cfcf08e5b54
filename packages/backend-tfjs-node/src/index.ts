export { TFJS_NODE_FIX } from './load-tfjs-node.js';
export { tfjsNodeBackend } from './tfjs-node-backend.js';
