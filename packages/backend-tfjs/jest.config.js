module.exports = { ...require('../../jest.preset.js'), displayName: 'backend-tfjs', rootDir: __dirname };
