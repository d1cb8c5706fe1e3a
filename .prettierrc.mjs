// Prettier matches the code as it is written: single quotes, semicolons, trailing commas
// everywhere, parentheses around every arrow parameter, and long lines.
// printWidth 160 was measured (prettier 3.10, whole tree, 2026-12): files `--check` flags /
// lines a reformat would touch: 120 → 291 / 9,054; 140 → 241 / 6,164; 150 → 229 / 5,375;
// 160 → 218 / 4,856; 180 → 217 / 4,444. 160 is where the file count stops falling; wider
// only keeps a few hundred very long lines (regexes, messages) on one line.
// trailingComma "es5" (vs "all") and arrowParens "avoid" each made the diff larger.
/** @type {import('prettier').Config} */
export default {
  printWidth: 160,
  singleQuote: true,
  semi: true,
  trailingComma: 'all',
  arrowParens: 'always',
  overrides: [
    // Kubernetes manifests quote with double quotes, as their own docs and tools do.
    { files: ['*.yaml', '*.yml'], options: { singleQuote: false } },
  ],
};
