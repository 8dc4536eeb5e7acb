/**
 * Starts fake-apiserver-process.ts with plain `node` (no build step): `.ts` files are
 * transpiled on require with the project's own TypeScript compiler (types are not checked
 * here; `npm run lint` and jest do that).
 *
 *   node test/kube/run-fake-apiserver.cjs
 */
const fs = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      resolveJsonModule: true
    },
    fileName: filename
  });
  module._compile(outputText, filename);
};

require('./fake-apiserver-process.ts');
