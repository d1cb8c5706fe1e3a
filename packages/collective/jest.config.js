module.exports = { ...require('../../jest.preset.js'), displayName: 'collective', rootDir: __dirname };
