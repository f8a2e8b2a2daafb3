// Builds dist/: the library and the widgets as minified ES modules (esbuild), and the
// type declarations (tsc). The widgets import the library from './messenger-connect.js',
// so a page loads it once:
//
//   dist/messenger-connect.js   the library (oauth4webapi bundled in)
//   dist/widgets.js             the custom elements (imports ./messenger-connect.js)
//   dist/types/                 .d.ts files
//
// Usage: node build.mjs [--no-types]
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const common = {
  absWorkingDir: HERE,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  platform: 'browser',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/messenger-connect.js' });

/** The widgets' imports of the library stay imports, of the library's file beside them. */
const libraryExternal = {
  name: 'library-external',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: './messenger-connect.js', external: true }));
  },
};
await build({ ...common, entryPoints: ['src/widgets/index.ts'], outfile: 'dist/widgets.js', plugins: [libraryExternal] });

if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, [`${HERE}/node_modules/typescript/bin/tsc`, '-p', `${HERE}/tsconfig.json`], { stdio: 'inherit' });
}
console.log('built dist/messenger-connect.js, dist/widgets.js, dist/types/');
