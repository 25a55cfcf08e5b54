import { bigramTable, nanTable } from './test-support/bigram-fixture.js';
import { describeGenerate } from './test-support/describe-generate.js';
import { installModels } from './test-support/node-models.js';

// The workspace's transformers.js (4.x) in Node, onnxruntime-node's CPU binary.
describeGenerate({
  label: 'workspace version, Node',
  load: () => import('@huggingface/transformers'),
  install: (env) => {
    installModels(env, { bigram: bigramTable(), nan: nanTable(5, 3) });
  },
});
