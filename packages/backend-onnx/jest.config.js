module.exports = { ...require('../../jest.preset.js'), displayName: 'backend-onnx', rootDir: __dirname };
