import { bigramTable, nanTable } from './test-support/bigram-fixture.js';
import { describeGenerate } from './test-support/describe-generate.js';
import { installModels } from './test-support/node-models.js';

// The newest transformers.js 3.x (a devDependency alias) in Node: the low end of the peer range
// still works (its LogitsProcessor, generate() loop and greedy pick are those of 3.1+).
describeGenerate({
  label: 'newest 3.x, Node',
  load: () => import('@huggingface/transformers-v3'),
  install: (env) => {
    installModels(env, { bigram: bigramTable(), nan: nanTable(5, 3) });
  },
});
