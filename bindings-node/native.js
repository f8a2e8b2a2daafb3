'use strict';
// Loads the native addon (napi-rs) for this platform. Its types are `native.d.ts`, which
// `napi build --dts` generates from the Rust code.
//
// Where the addon is looked for, in order:
//   1. `NAPI_RS_NATIVE_LIBRARY_PATH`, when set: that exact `.node` file (napi-rs's variable);
//   2. `./messenger-connect.<platform>.node` next to this file: a build from source
//      (`npm run build` in the repository);
//   3. the platform package `@messenger-connect/<platform>`, an optional dependency of
//      `messenger-connect` that npm installs only on its platform; its version must be this
//      package's own.
// <platform> is `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`, … (napi-rs's names).

const { existsSync, readFileSync } = require('fs');
const { join } = require('path');

const SCOPE = '@messenger-connect';
const BINARY_NAME = 'messenger-connect';
/** The platforms whose package is published (see package.json `optionalDependencies`). */
const PREBUILT = ['linux-x64-gnu'];

/** `true` on a musl libc (Alpine), read from the process report like napi-rs's loader. */
function isMusl() {
  if (process.platform !== 'linux') return false;
  try {
    if (readFileSync('/usr/bin/ldd', 'utf8').includes('musl')) return true;
  } catch {
    // no ldd: fall through to the report
  }
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  // @ts-ignore: the report's header is not typed
  if (report?.header?.glibcVersionRuntime) return false;
  // @ts-ignore
  return Array.isArray(report?.sharedObjects) && report.sharedObjects.some((f) => f.includes('musl'));
}

/** napi-rs's name of this platform, e.g. `linux-x64-gnu`. */
function platformName() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function ownVersion() {
  return JSON.parse(readFileSync(join(__dirname, 'package.json'), 'utf8')).version;
}

function load() {
  const override = process.env.NAPI_RS_NATIVE_LIBRARY_PATH;
  if (override) return require(override);

  const platform = platformName();
  const local = join(__dirname, `${BINARY_NAME}.${platform}.node`);
  if (existsSync(local)) return require(local);

  const pkg = `${SCOPE}/${platform}`;
  let binding;
  try {
    binding = require(pkg);
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'MODULE_NOT_FOUND') throw e;
    const hint = PREBUILT.includes(platform)
      ? `its package ${pkg} is an optional dependency of messenger-connect: reinstall without ` +
        '--omit=optional / --no-optional, on the machine that runs the code'
      : `no prebuilt package for ${platform} (built: ${PREBUILT.join(', ')}); build from source: ` +
        'see "Other platforms" in the README of messenger-connect';
    throw new Error(`messenger-connect: the native addon for ${platform} was not found (${hint})`, {
      cause: e,
    });
  }
  const want = ownVersion();
  const have = require(`${pkg}/package.json`).version;
  if (have !== want) {
    throw new Error(`messenger-connect ${want} needs ${pkg}@${want}, but ${have} is installed: reinstall both`);
  }
  return binding;
}

module.exports = load();
