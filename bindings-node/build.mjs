// Builds the native addon into the workspace's own target directory (no `--target`, so the
// dependencies compiled by `cargo build --profile ci` for the other crates are reused, not
// compiled a second time under target/<triple>/) and writes what `napi build` would:
//   ./messenger-connect.<platform>.node  (the cdylib, under the name native.js loads)
//   ./native.d.ts                        (from napi-derive's type definitions, rendered by
//                                         @napi-rs/cli's own generateTypeDef)
//
// Usage: node build.mjs [--profile <name> | --release]   (default: --profile ci)
// Exits non-zero, saying what failed, when cargo or a step fails.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypeDef, parseTriple } from '@napi-rs/cli';

const HERE = dirname(fileURLToPath(import.meta.url));
const CRATE = 'messenger-connect-node';
const BINARY_NAME = 'messenger-connect';

function fail(message) {
  console.error(`error: bindings-node/build.mjs: ${message}`);
  process.exit(1);
}

/** The cargo profile from the arguments (`--profile NAME`, `--release`; default `ci`). */
function profileFromArgs(argv) {
  let profile = 'ci';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--release') profile = 'release';
    else if (argv[i] === '--profile' && argv[i + 1]) profile = argv[++i];
    else fail(`unknown argument ${argv[i]} (expected --profile NAME or --release)`);
  }
  return profile;
}

/** Runs a command, its output passed through; its stdout when `capture`. */
function run(cmd, args, { env, capture = false } = {}) {
  const r = spawnSync(cmd, args, {
    cwd: HERE,
    env: { ...process.env, ...env },
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    encoding: 'utf8',
  });
  if (r.error) fail(`${cmd} could not be started: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed (status ${r.status})`);
  return r.stdout;
}

const profile = profileFromArgs(process.argv.slice(2));
const profileDir = profile === 'dev' ? 'debug' : profile;
const manifest = join(HERE, 'Cargo.toml');

const metadata = JSON.parse(
  run('cargo', ['metadata', '--format-version', '1', '--no-deps', '--manifest-path', manifest], { capture: true }),
);
const host = /^host: (.+)$/m.exec(run('rustc', ['-vV'], { capture: true }))?.[1];
if (!host) fail('rustc -vV did not name the host triple');
const target = parseTriple(host);

// napi-derive appends each exported item's type definition to <folder>/<crate> while the
// crate compiles. The folder is stable, so an unchanged crate is not rebuilt; when its file
// is missing, NAPI_FORCE_BUILD_<CRATE> (watched by napi-build) forces the crate's rebuild.
const typeDefDir = join(metadata.target_directory, profileDir, 'napi-type-defs');
mkdirSync(typeDefDir, { recursive: true });
const env = { NAPI_TYPE_DEF_TMP_FOLDER: typeDefDir };
if (!existsSync(join(typeDefDir, CRATE))) {
  env[`NAPI_FORCE_BUILD_${CRATE.replace(/-/g, '_').toUpperCase()}`] = String(Date.now());
}
run('cargo', ['build', '--profile', profile, '--manifest-path', manifest, '-p', CRATE], { env });

const lib = 'messenger_connect_node';
const fileName =
  target.platform === 'win32' ? `${lib}.dll` : target.platform === 'darwin' ? `lib${lib}.dylib` : `lib${lib}.so`;
const artifact = join(metadata.target_directory, profileDir, fileName);
if (!existsSync(artifact)) fail(`cargo built no ${artifact}`);
const dest = join(HERE, `${BINARY_NAME}.${target.platformArchABI}.node`);
// Copy, then rename: a process that has the old addon loaded keeps its mapping intact.
copyFileSync(artifact, `${dest}.tmp`);
renameSync(`${dest}.tmp`, dest);

const { dts } = await generateTypeDef({ typeDefDir, cwd: HERE, declareBindingTarget: false });
if (!dts.trim()) fail(`no type definitions in ${typeDefDir}: delete it and build again`);
writeFileSync(join(HERE, 'native.d.ts'), dts);
console.log(`built ${dest} and native.d.ts (profile ${profile})`);
