/**
 * The relaxed-SIMD kernel is the plain module with one function body replaced ($expSum's, whose
 * polynomial uses f32x4.relaxed_madd): the package ships the plain module and that body, and
 * builds the other module from them when the runtime validates it. A module is a header and
 * sections (id byte, LEB128 size, contents); the code section (id 10) is a LEB128 count of
 * entries, each a LEB128 size and a function body.
 */

/** Reads an unsigned LEB128 at `at`: [value, next offset]. */
function readLeb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++] as number;
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, at];
    shift += 7;
  }
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Where the code section's entries lie: [start, end) of each entry's body (size excluded). */
export function codeEntries(bytes: Uint8Array): {
  section: [number, number];
  bodies: Array<[number, number]>;
} {
  let at = 8; // magic and version
  while (at < bytes.length) {
    const id = bytes[at] as number;
    const [size, contents] = readLeb(bytes, at + 1);
    if (id === 10) {
      let [count, p] = readLeb(bytes, contents);
      const bodies: Array<[number, number]> = [];
      for (; count > 0; count--) {
        const [length, body] = readLeb(bytes, p);
        bodies.push([body, body + length]);
        p = body + length;
      }
      return { section: [at, contents + size], bodies };
    }
    at = contents + size;
  }
  throw new Error('no code section');
}

/** `bytes` with the body of defined function `index` replaced by `body`. */
export function spliceFunction(
  bytes: Uint8Array,
  index: number,
  body: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const { section, bodies } = codeEntries(bytes);
  const parts: number[] = [...leb(bodies.length)];
  bodies.forEach(([start, end], i) => {
    const entry = i === index ? body : bytes.subarray(start, end);
    parts.push(...leb(entry.length));
    for (const byte of entry) parts.push(byte);
  });
  const head = bytes.subarray(0, section[0]);
  const tail = bytes.subarray(section[1]);
  const sectionHead = [10, ...leb(parts.length)];
  const out = new Uint8Array(head.length + sectionHead.length + parts.length + tail.length);
  out.set(head, 0);
  out.set(sectionHead, head.length);
  out.set(parts, head.length + sectionHead.length);
  out.set(tail, head.length + sectionHead.length + parts.length);
  return out;
}
