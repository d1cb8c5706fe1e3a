/** @syncline/backend-onnx public surface (being built; see its issue). */
export {};
