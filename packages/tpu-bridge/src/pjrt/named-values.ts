/**
 * PJRT_NamedValue arrays (client create options such as the CPU plugin's
 * `cpu_device_count`) encoded into native memory.
 */
import { koffi } from './koffi';
import { NAMED_VALUE_TYPE, T, structSize } from './ffi-types';
import { NativeBlock, nativeString } from './native-memory';

export type NamedValue = number | bigint | string | boolean;

/** A native PJRT_NamedValue[] and the strings it points to; free() releases all of it. */
export class NamedValueArray {
  readonly block: NativeBlock;
  readonly count: number;
  readonly #strings: NativeBlock[] = [];

  constructor(values: Readonly<Record<string, NamedValue>>) {
    const entries = Object.entries(values);
    const stride = koffi.sizeof(T.NamedValue);
    this.count = entries.length;
    this.block = new NativeBlock(stride * entries.length);
    entries.forEach(([name, value], i) => {
      const nameBlock = nativeString(name);
      this.#strings.push(nameBlock);
      let type: number = NAMED_VALUE_TYPE.INT64;
      let raw: bigint;
      let size = 1;
      if (typeof value === 'string') {
        const s = nativeString(value);
        this.#strings.push(s);
        type = NAMED_VALUE_TYPE.STRING;
        raw = s.ptr;
        size = Buffer.byteLength(value, 'utf8');
      } else if (typeof value === 'boolean') {
        type = NAMED_VALUE_TYPE.BOOL;
        raw = value ? 1n : 0n;
      } else if (typeof value === 'number' && !Number.isInteger(value)) {
        type = NAMED_VALUE_TYPE.FLOAT;
        const bits = new DataView(new ArrayBuffer(4));
        bits.setFloat32(0, value, true);
        raw = BigInt(bits.getUint32(0, true));
      } else {
        raw = BigInt(value);
      }
      koffi.encode(this.block.ptr, i * stride, T.NamedValue, {
        struct_size: structSize('NamedValue'),
        extension_start: null,
        name: nameBlock.ptr,
        name_size: Buffer.byteLength(name, 'utf8'),
        type,
        value: raw,
        value_size: size,
      });
    });
  }

  free(): void {
    this.block.free();
    for (const s of this.#strings) s.free();
  }
}
