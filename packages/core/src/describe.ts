import { typedArrayName } from './typed-arrays.js';

/**
 * A short description of any value for an error message, that never throws: BigInts,
 * null-prototype objects, revoked proxies and objects with throwing `toString` included.
 */
export function describe(value: unknown): string {
  try {
    if (value === null) return 'null';
    if (value === undefined) return 'undefined';
    switch (typeof value) {
      case 'number':
        return Object.is(value, -0) ? '-0' : String(value);
      case 'bigint':
        return `the BigInt ${value.toString()}n`;
      case 'string':
        return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
      case 'boolean':
        return String(value);
      case 'symbol':
        return 'a symbol';
      case 'function':
        return 'a function';
    }
    const typedName = typedArrayName(value);
    if (typedName !== undefined) return `a ${typedName}`;
    if (Array.isArray(value)) return 'an array';
    if (Object.getPrototypeOf(value) === null) return 'an object with a null prototype';
    return 'an object';
  } catch {
    return 'a value that cannot be inspected (a revoked proxy?)';
  }
}

/** The message of anything thrown, without running more user code than `String` would. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    try {
      return String(error.message);
    } catch {
      return 'an error';
    }
  }
  return describe(error);
}
