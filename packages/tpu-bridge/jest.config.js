module.exports = { ...require('../../jest.preset.js'), displayName: 'tpu-bridge', rootDir: __dirname };
