// Bundle sizes, minified and gzipped, beside the Microsoft Graph Toolkit's for the same
// job, all bundled the same way (esbuild, minified ES module, es2022, gzip -9) in this run.
//
//   node bench/size.mjs           # prints the table
//   node bench/size.mjs --check   # also exits 1 when ours is over budget
//
// Ours: dist/messenger-connect.js (the library, oauth4webapi included) and
// dist/widgets.js (all six custom elements; imports the library). Budgets (1 KB = 1000
// bytes, min+gz): library ≤ 15 KB, widgets ≤ 35 KB. The Graph Toolkit (bench/mgt/, pinned
// @microsoft/mgt-components, -element and -msal2-provider 4.6.0, installed with npm ci):
// <mgt-login> + <mgt-people>, alone and with the MSAL 2 provider that signs in.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const HERE = dirname(fileURLToPath(import.meta.url));
const PKG = join(HERE, '..');
const MGT = join(HERE, 'mgt');
const BUDGET = { library: 15_000, widgets: 35_000 };

const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (n) => (n / 1000).toFixed(1);

/** Bundles `source` (an entry module's text) from `dir` the way dist/ is built. */
async function bundle(source, dir) {
  const out = await build({
    stdin: { contents: source, resolveDir: dir, loader: 'js' },
    bundle: true, minify: true, format: 'esm', target: ['es2022'], platform: 'browser',
    legalComments: 'none', write: false, logLevel: 'error',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

execFileSync(process.execPath, [join(PKG, 'build.mjs'), '--no-types'], { stdio: 'inherit' });
const lib = readFileSync(join(PKG, 'dist/messenger-connect.js'));
const widgets = readFileSync(join(PKG, 'dist/widgets.js'));
// The comparison needs the Graph Toolkit from npm; without it the budget is still checked.
let mgtComponents = null;
let mgtWithMsal = null;
try {
  if (!existsSync(join(MGT, 'node_modules'))) {
    console.log('npm ci in bench/mgt (the Graph Toolkit, pinned)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: MGT, stdio: 'inherit' });
  }
  mgtComponents = await bundle(
    `import { registerMgtLoginComponent, registerMgtPeopleComponent } from '@microsoft/mgt-components';
     registerMgtLoginComponent(); registerMgtPeopleComponent();`, MGT);
  mgtWithMsal = await bundle(
    `import { registerMgtLoginComponent, registerMgtPeopleComponent } from '@microsoft/mgt-components';
     import { Providers } from '@microsoft/mgt-element';
     import { Msal2Provider } from '@microsoft/mgt-msal2-provider';
     Providers.globalProvider = new Msal2Provider({ clientId: 'x' });
     registerMgtLoginComponent(); registerMgtPeopleComponent();`, MGT);
} catch (e) {
  console.log(`the Graph Toolkit could not be bundled (${e?.message ?? e}): its rows are left out`);
}

const rows = [
  ['@messenger-connect/web library', lib, BUDGET.library],
  ['@messenger-connect/web widgets (6 elements)', widgets, BUDGET.widgets],
  ['@messenger-connect/web library + widgets', Buffer.concat([lib, widgets]), BUDGET.library + BUDGET.widgets],
  ['mgt-login + mgt-people', mgtComponents, null],
  ['mgt-login + mgt-people + Msal2Provider', mgtWithMsal, null],
].filter(([, bytes]) => bytes !== null);
const ours = gz(Buffer.concat([lib, widgets]));
console.log('\n| bundle | min KB | min+gz KB | min+br KB | budget (gz) | vs ours (gz) |');
console.log('|---|---:|---:|---:|---|---:|');
let over = [];
for (const [name, bytes, budget] of rows) {
  const g = gz(bytes);
  const verdict = budget === null ? '' : g <= budget ? `≤ ${kb(budget)} ok` : `> ${kb(budget)} OVER`;
  if (budget !== null && g > budget) over.push(name);
  console.log(`| ${name} | ${kb(bytes.length)} | ${kb(g)} | ${kb(br(bytes))} | ${verdict} | ${(g / ours).toFixed(2)}x |`);
}
console.log('\n1 KB = 1000 bytes; gzip level 9, brotli quality 11; esbuild minified ES modules, es2022.');
if (over.length) {
  console.log(`size: over budget: ${over.join(', ')}`);
  if (process.argv.includes('--check')) process.exit(1);
} else {
  console.log('size: within budget');
}
