// Bundles the chat page's script with the graphql-ws client it imports, for browsers, with no CDN at run time.
// Called by Browsers.targets: node build-chat.mjs <entry> <outfile>
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: node build-chat.mjs <entry> <outfile>');
  process.exit(2);
}

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  // The entry lives beside the C# that serves it, not under this folder's node_modules.
  nodePaths: [join(dirname(fileURLToPath(import.meta.url)), 'node_modules')],
  sourcemap: 'linked',
  logLevel: 'warning',
});
