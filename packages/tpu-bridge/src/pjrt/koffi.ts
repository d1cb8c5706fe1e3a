/**
 * The one place koffi is imported. koffi 3 publishes ESM typings ("type": "module")
 * beside a CommonJS entry (index.cjs); this package compiles as CommonJS for TypeScript,
 * so the types are taken with `resolution-mode: import` and the runtime import (which
 * tsup resolves to index.cjs or index.js per output format) is typed from them.
 */
import type KoffiDefault from 'koffi' with { 'resolution-mode': 'import' };
import type { TypeObject as KoffiTypeObject } from 'koffi' with { 'resolution-mode': 'import' };
// @ts-ignore TS1479: CommonJS-compiled file importing an ESM-typed package; runtime resolution is fine.
import koffiRuntime from 'koffi';

export const koffi = koffiRuntime as typeof KoffiDefault;
export type TypeObject = KoffiTypeObject;
