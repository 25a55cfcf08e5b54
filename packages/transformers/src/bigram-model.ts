/**
 * A tiny language model that transformers.js runs offline: a bigram table in ONNX (the logits of
 * the next token depend on the current token only), a word-level tokenizer and the configs of a
 * `gpt2`-type model with no layers and no cache. For tests, examples and benchmarks of
 * generation code where no real model can be downloaded.
 *
 * The ONNX graph is one `Gather` of a float32 `[V, V]` initializer by `input_ids`, giving
 * `logits` `[batch, sequence, V]`; `attention_mask` is declared and unused; a dummy one-layer
 * key/value cache (the token ids seen so far) lets transformers.js feed only the new token after
 * the first step, which is exact for a bigram model. The protobuf is written by a small encoder (field numbers of onnx.proto3,
 * https://github.com/onnx/onnx/blob/main/onnx/onnx.proto3).
 *
 * @packageDocumentation
 */

const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const INT64 = 7; // TensorProto.DataType.INT64

/** Bytes of a message part; small parts are number arrays, the table is a Uint8Array. */
type Part = ArrayLike<number>;

/** Concatenates parts into one byte array (no spreading: the table may hold 100+ MB). */
function join(parts: readonly Part[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Protobuf base-128 varint (non-negative values only here). */
function varint(value: number): number[] {
  let remaining = BigInt(value);
  const bytes: number[] = [];
  do {
    let byte = Number(remaining & 0x7fn);
    remaining >>= 7n;
    if (remaining !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (remaining !== 0n);
  return bytes;
}

const key = (field: number, wireType: number) => varint((field << 3) | wireType);
const intField = (field: number, value: number) => join([key(field, VARINT), varint(value)]);
const bytesField = (field: number, payload: Part) =>
  join([key(field, LENGTH_DELIMITED), varint(payload.length), payload]);
const stringField = (field: number, text: string) =>
  bytesField(field, new TextEncoder().encode(text));

/** ValueInfoProto of a tensor with the given symbolic (`string`) or fixed (`number`) dimensions. */
function valueInfo(name: string, elementType: number, dims: readonly (string | number)[]) {
  const shape = join(
    dims.map((dim) =>
      bytesField(1, typeof dim === 'string' ? stringField(2, dim) : intField(1, dim)),
    ),
  );
  const tensorType = join([intField(1, elementType), bytesField(2, shape)]);
  return join([stringField(1, name), bytesField(2, bytesField(1, tensorType))]);
}

/** TensorProto of an initializer: dims, data type and little-endian raw bytes. */
function initializer(name: string, dataType: number, dims: readonly number[], raw: Uint8Array) {
  return join([
    ...dims.map((dim) => intField(1, dim)), // TensorProto.dims
    intField(2, dataType), // TensorProto.data_type
    stringField(8, name), // TensorProto.name
    bytesField(9, raw), // TensorProto.raw_data
  ]);
}

/** NodeProto: inputs, output, name, op type and integer attributes. */
function node(
  op: string,
  inputs: readonly string[],
  output: string,
  attributes: Record<string, number> = {},
) {
  return join([
    ...inputs.map((input) => stringField(1, input)), // NodeProto.input
    stringField(2, output), // NodeProto.output
    stringField(3, output), // NodeProto.name
    stringField(4, op), // NodeProto.op_type
    ...Object.entries(attributes).map(([name, value]) =>
      // AttributeProto: name, i, type = INT (2)
      bytesField(5, join([stringField(1, name), intField(3, value), intField(20, 2)])),
    ),
  ]);
}

/** Little-endian int64 bytes. */
function int64s(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  values.forEach((value, index) => {
    new DataView(out.buffer).setBigInt64(index * 8, BigInt(value), true);
  });
  return out;
}

/**
 * The ONNX bytes of the model for a row-major logit table of `rows` rows of `size` logits:
 * `logits` is a `Gather` of the table by `input_ids` (by `input_ids mod rows` when the table has
 * fewer rows than tokens). One layer of a one-head, width-1 key/value cache (`present.0.key` =
 * the past with the new token ids appended, as floats) makes transformers.js 3.x and 4.x feed only
 * the new tokens after the first step, as they do for real decoders.
 */
function bigramOnnx(table: Float32Array, size: number, rows: number): Uint8Array {
  const raw = new Uint8Array(table.buffer, table.byteOffset, table.byteLength).slice();
  if (new Uint8Array(Float32Array.of(1).buffer)[3] !== 0x3f) {
    // Big-endian platform: ONNX raw_data is little-endian.
    const view = new DataView(raw.buffer);
    for (let index = 0; index < table.length; index++)
      view.setFloat32(index * 4, table[index]!, true);
  }
  const cache = ['batch', 1, 'past', 1] as const;
  const present = ['batch', 1, 'total', 1] as const;
  const folded = rows !== size;
  const graph = join([
    ...(folded
      ? [
          bytesField(1, node('Mod', ['input_ids', 'row_count'], 'row_ids')), // GraphProto.node
          bytesField(5, initializer('row_count', INT64, [], int64s([rows]))),
        ]
      : []),
    bytesField(1, node('Gather', ['bigram', folded ? 'row_ids' : 'input_ids'], 'logits')),
    bytesField(1, node('Cast', ['input_ids'], 'ids_float', { to: FLOAT })),
    bytesField(1, node('Unsqueeze', ['ids_float', 'cache_axes'], 'new_entries')),
    bytesField(
      1,
      node('Concat', ['past_key_values.0.key', 'new_entries'], 'present.0.key', { axis: 2 }),
    ),
    bytesField(
      1,
      node('Concat', ['past_key_values.0.value', 'new_entries'], 'present.0.value', { axis: 2 }),
    ),
    stringField(2, 'softmax-kit-bigram'), // GraphProto.name
    bytesField(5, initializer('bigram', FLOAT, [rows, size], raw)), // GraphProto.initializer
    bytesField(5, initializer('cache_axes', INT64, [2], int64s([1, 3]))),
    bytesField(11, valueInfo('input_ids', INT64, ['batch', 'sequence'])), // GraphProto.input
    bytesField(11, valueInfo('attention_mask', INT64, ['batch', 'total'])),
    bytesField(11, valueInfo('past_key_values.0.key', FLOAT, cache)),
    bytesField(11, valueInfo('past_key_values.0.value', FLOAT, cache)),
    bytesField(12, valueInfo('logits', FLOAT, ['batch', 'sequence', size])), // GraphProto.output
    bytesField(12, valueInfo('present.0.key', FLOAT, present)),
    bytesField(12, valueInfo('present.0.value', FLOAT, present)),
  ]);
  const opset = join([stringField(1, ''), intField(2, 13)]); // OperatorSetIdProto
  return join([
    intField(1, 8), // ModelProto.ir_version
    stringField(2, 'softmax-kit'), // ModelProto.producer_name
    bytesField(7, graph), // ModelProto.graph
    bytesField(8, opset), // ModelProto.opset_import
  ]);
}

/** What {@link bigramModelFiles} builds a model from. */
export interface BigramModelSpec {
  /**
   * The vocabulary, one word per token id; no spaces inside a word. Token 0 is the end of text
   * (`eos`, also the padding token); the tokenizer splits text on whitespace.
   */
  readonly words: readonly string[];
  /**
   * The next-token logits, row-major `[V, V]`: row `a` holds the logits that follow token `a`.
   * Any float32 values, NaN and infinities included (to test what a sampler does with them).
   * A table of `R * V` entries with `R < V` rows (for large vocabularies) gives token `a` the
   * row `a mod R`.
   */
  readonly logits: Float32Array;
}

/**
 * The files of a bigram model as transformers.js loads them from a folder: `config.json`,
 * `generation_config.json`, `tokenizer.json`, `tokenizer_config.json` and `onnx/model.onnx`.
 * Write them under `env.localModelPath/<name>/` and load with `env.allowRemoteModels = false`.
 *
 * @example
 * ```ts
 * import { mkdirSync, writeFileSync } from 'node:fs';
 * import { dirname, join } from 'node:path';
 * const files = bigramModelFiles({ words: ['<eos>', 'a', 'b'], logits: new Float32Array(9) });
 * for (const [name, bytes] of files) {
 *   mkdirSync(dirname(join(folder, name)), { recursive: true });
 *   writeFileSync(join(folder, name), bytes);
 * }
 * ```
 */
export function bigramModelFiles(spec: BigramModelSpec): Map<string, Uint8Array> {
  const words = Array.from(spec.words, String);
  const size = words.length;
  if (size < 2) throw new RangeError('bigramModelFiles: give at least 2 words (token 0 is <eos>)');
  if (new Set(words).size !== size || words.some((word) => word === '' || /\s/.test(word))) {
    throw new RangeError('bigramModelFiles: words must be distinct, non-empty and without spaces');
  }
  const table = Float32Array.from(spec.logits);
  const rows = table.length / size;
  if (!Number.isInteger(rows) || rows < 1 || rows > size) {
    throw new RangeError(
      `bigramModelFiles: logits must have R * V entries (1 <= R <= V = ${size}), got ${table.length}`,
    );
  }
  const eos = words[0] as string;
  const json = (value: unknown) => new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
  const config = {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: size,
    n_layer: 1,
    n_head: 1,
    n_embd: 1,
    n_positions: 1_000_000,
    bos_token_id: 0,
    eos_token_id: 0,
    pad_token_id: 0,
    use_cache: true,
  };
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 0,
        content: eos,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: null,
    decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
    model: {
      type: 'WordLevel',
      vocab: Object.fromEntries(words.map((word, id) => [word, id])),
      unk_token: eos,
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: eos,
    eos_token: eos,
    pad_token: eos,
    unk_token: eos,
    add_bos_token: false,
    add_eos_token: false,
    model_max_length: 1_000_000,
  };
  return new Map([
    ['config.json', json(config)],
    ['generation_config.json', json({ bos_token_id: 0, eos_token_id: 0, pad_token_id: 0 })],
    ['tokenizer.json', json(tokenizer)],
    ['tokenizer_config.json', json(tokenizerConfig)],
    ['onnx/model.onnx', bigramOnnx(table, size, rows)],
  ]);
}
