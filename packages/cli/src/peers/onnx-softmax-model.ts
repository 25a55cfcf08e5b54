/**
 * One-node ONNX models at opset 13 over the last axis: `y = Softmax(x, axis=-1)`,
 * `y = LogSoftmax(x, axis=-1)` and `y = ReduceLogSumExp(x, axes=[-1], keepdims=0)`, written as
 * protobuf bytes by a tiny encoder (no protobuf library): the fields below are those of
 * onnx.proto3 (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto3).
 */
import type { BenchOp } from '../bench/ops.js';

/** ONNX TensorProto.DataType values for the element types the bench uses. */
const ELEMENT_TYPE = { float32: 1, float64: 11 } as const;

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/** Protobuf base-128 varint; negative int64 values take ten bytes (two's complement). */
function varint(value: number | bigint): number[] {
  let remaining = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    let byte = Number(remaining & 0x7fn);
    remaining >>= 7n;
    if (remaining !== 0n) byte |= 0x80;
    bytes.push(byte);
  } while (remaining !== 0n);
  return bytes;
}

function key(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

function intField(field: number, value: number): number[] {
  return [...key(field, VARINT), ...varint(value)];
}

function bytesField(field: number, payload: readonly number[]): number[] {
  return [...key(field, LENGTH_DELIMITED), ...varint(payload.length), ...payload];
}

function stringField(field: number, text: string): number[] {
  return bytesField(field, [...new TextEncoder().encode(text)]);
}

/** ValueInfoProto of a tensor whose dimensions are symbolic (any size at run time). */
function tensorValueInfo(name: string, elementType: number, dims: readonly string[]): number[] {
  const dimension = (symbol: string) => bytesField(1, stringField(2, symbol)); // Dimension.dim_param
  const shape = dims.flatMap(dimension); // TensorShapeProto.dim
  const tensorType = [...intField(1, elementType), ...bytesField(2, shape)]; // TypeProto.Tensor
  const type = bytesField(1, tensorType); // TypeProto.tensor_type
  return [...stringField(1, name), ...bytesField(2, type)]; // ValueInfoProto.name, .type
}

/** AttributeProto type values (onnx.proto3's AttributeType). */
const INT = 2;
const INTS = 7;

/** Each op's node: its ONNX op_type and attributes, and the output's dimensions. */
const NODES: Record<BenchOp, { opType: string; attributes: number[][]; output: string[] }> = {
  softmax: { opType: 'Softmax', attributes: [intAttribute('axis', -1)], output: ['rows', 'cols'] },
  logSoftmax: {
    opType: 'LogSoftmax',
    attributes: [intAttribute('axis', -1)],
    output: ['rows', 'cols'],
  },
  // Opset 13 takes the axes as an attribute (opset 18 moved them to an input).
  logSumExp: {
    opType: 'ReduceLogSumExp',
    attributes: [intsAttribute('axes', [-1]), intAttribute('keepdims', 0)],
    output: ['rows'],
  },
};

function intAttribute(name: string, value: number): number[] {
  // AttributeProto.name, .i, .type
  return [...stringField(1, name), ...intField(3, value), ...intField(20, INT)];
}

function intsAttribute(name: string, values: readonly number[]): number[] {
  // AttributeProto.name, .ints (repeated, unpacked), .type
  return [...stringField(1, name), ...values.flatMap((v) => intField(8, v)), ...intField(20, INTS)];
}

/**
 * Builds the model bytes of one op; input `x` is `[rows, cols]` and output `y` is `[rows, cols]`
 * (`[rows]` for logSumExp), with dynamic dimensions.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const session = await ort.InferenceSession.create(onnxOpModel('logSumExp', 'float32'));
 * const { y } = await session.run({ x: new ort.Tensor('float32', data, [rows, cols]) });
 * ```
 */
export function onnxOpModel(op: BenchOp, dtype: 'float32' | 'float64' = 'float32'): Uint8Array {
  const elementType = ELEMENT_TYPE[dtype];
  const { opType, attributes, output } = NODES[op];
  const node = [
    ...stringField(1, 'x'), // NodeProto.input
    ...stringField(2, 'y'), // NodeProto.output
    ...stringField(3, op), // NodeProto.name
    ...stringField(4, opType), // NodeProto.op_type
    ...attributes.flatMap((attribute) => bytesField(5, attribute)), // NodeProto.attribute
  ];
  const graph = [
    ...bytesField(1, node), // GraphProto.node
    ...stringField(2, 'softmax-kit-bench'), // GraphProto.name
    ...bytesField(11, tensorValueInfo('x', elementType, ['rows', 'cols'])), // GraphProto.input
    ...bytesField(12, tensorValueInfo('y', elementType, output)), // GraphProto.output
  ];
  const opset = [...stringField(1, ''), ...intField(2, 13)]; // OperatorSetIdProto (default domain)
  const model = [
    ...intField(1, 8), // ModelProto.ir_version (IR 8 covers opset 13)
    ...stringField(2, 'softmax-kit'), // ModelProto.producer_name
    ...bytesField(7, graph), // ModelProto.graph
    ...bytesField(8, opset), // ModelProto.opset_import
  ];
  return Uint8Array.from(model);
}

/**
 * The Softmax model ({@link onnxOpModel} for `softmax`); input `x` and output `y`, both
 * `[rows, cols]` with dynamic dimensions.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const session = await ort.InferenceSession.create(onnxSoftmaxModel('float32'));
 * const { y } = await session.run({ x: new ort.Tensor('float32', data, [rows, cols]) });
 * ```
 */
export function onnxSoftmaxModel(dtype: 'float32' | 'float64' = 'float32'): Uint8Array {
  return onnxOpModel('softmax', dtype);
}
