// A tiny static server for the example page (Node's http, no framework).
//
//   node examples/serve.mjs [--port 0] [--config '{"server":"http://127.0.0.1:8080","clientId":"app_1"}']
//
// Serves bindings-web/examples/ at `/` and bindings-web/dist/ at `/dist/`, and the
// `--config` JSON at `/config.json` (the page reads the server and client id there).
// Prints its URL as the first line of stdout, then serves until SIGTERM/SIGINT.
// `createStaticServer` is the same server for tests.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOTS = { '/dist/': join(HERE, '..', 'dist'), '/': HERE };
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Maps a URL path to a file under one of the roots, or `null` (no `..` escapes). */
function fileFor(pathname) {
  for (const [prefix, dir] of Object.entries(ROOTS)) {
    if (!pathname.startsWith(prefix)) continue;
    let rest = decodeURIComponent(pathname.slice(prefix.length)) || 'index.html';
    const file = normalize(join(dir, rest));
    return file === dir || file.startsWith(dir + sep) ? file : null;
  }
  return null;
}

/**
 * Starts the server on `port` (0: any free one); resolves `{ url, config, close }`.
 * `config` is served as it is at each request, so a caller can fill it in once it knows
 * the page's URL (an app's redirect URI needs it).
 */
export function createStaticServer({ port = 0, host = '127.0.0.1', config = {} } = {}) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (pathname === '/config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' }).end(JSON.stringify(config));
      return;
    }
    const file = fileFor(pathname);
    try {
      if (!file) throw new Error('outside the roots');
      let body = await readFile(file);
      if (extname(file) === '.html') {
        // {{server}}, {{clientId}} and {{origin}} in a page: this server's config and URL.
        const values = { ...config, origin: `http://${req.headers.host}` };
        body = Buffer.from(body.toString('utf8').replace(/\{\{(server|clientId|origin)\}\}/g, (_, k) => String(values[k] ?? '')));
      }
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address();
      resolve({
        url: `http://${host}:${bound}`,
        config,
        close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
      });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const { url, close } = await createStaticServer({
    port: Number(arg('port', '0')),
    config: JSON.parse(arg('config', '{}')),
  });
  console.log(url);
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => close().then(() => process.exit(0)));
}
