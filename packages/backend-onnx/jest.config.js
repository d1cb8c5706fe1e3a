module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'backend-onnx',
  rootDir: __dirname,
  // onnxruntime-node returns typed arrays of the main realm: see the environment file.
  testEnvironment: '<rootDir>/../../tools/jest/ort-jest-environment.js',
};
