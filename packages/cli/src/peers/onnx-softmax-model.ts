/**
 * A one-node ONNX model, `y = Softmax(x, axis=-1)` at opset 13, written as protobuf bytes by a
 * tiny encoder (no protobuf library): the fields below are those of onnx.proto3
 * (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto3).
 */

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

/** ValueInfoProto of a rank-2 tensor whose dimensions are symbolic (any shape at run time). */
function tensorValueInfo(name: string, elementType: number): number[] {
  const dimension = (symbol: string) => bytesField(1, stringField(2, symbol)); // Dimension.dim_param
  const shape = [...dimension('rows'), ...dimension('cols')]; // TensorShapeProto.dim
  const tensorType = [...intField(1, elementType), ...bytesField(2, shape)]; // TypeProto.Tensor
  const type = bytesField(1, tensorType); // TypeProto.tensor_type
  return [...stringField(1, name), ...bytesField(2, type)]; // ValueInfoProto.name, .type
}

/**
 * Builds the model bytes; input `x` and output `y`, both `[rows, cols]` with dynamic dimensions.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const session = await ort.InferenceSession.create(onnxSoftmaxModel('float32'));
 * const { y } = await session.run({ x: new ort.Tensor('float32', data, [rows, cols]) });
 * ```
 */
export function onnxSoftmaxModel(dtype: 'float32' | 'float64' = 'float32'): Uint8Array {
  const elementType = ELEMENT_TYPE[dtype];
  const axisAttribute = [
    ...stringField(1, 'axis'), // AttributeProto.name
    ...intField(3, -1), // AttributeProto.i
    ...intField(20, 2), // AttributeProto.type = INT
  ];
  const node = [
    ...stringField(1, 'x'), // NodeProto.input
    ...stringField(2, 'y'), // NodeProto.output
    ...stringField(3, 'softmax'), // NodeProto.name
    ...stringField(4, 'Softmax'), // NodeProto.op_type
    ...bytesField(5, axisAttribute), // NodeProto.attribute
  ];
  const graph = [
    ...bytesField(1, node), // GraphProto.node
    ...stringField(2, 'softmax-kit-bench'), // GraphProto.name
    ...bytesField(11, tensorValueInfo('x', elementType)), // GraphProto.input
    ...bytesField(12, tensorValueInfo('y', elementType)), // GraphProto.output
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
