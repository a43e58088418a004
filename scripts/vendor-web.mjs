// Build-time tool: copies the browser libraries the web UI uses from their npm
// packages into a folder that is embedded beside web/ (under /vendor/), so the
// UI never loads anything from a CDN and the files are exactly the packages'.
//
//   node scripts/vendor-web.mjs OUT_DIR
//
// uPlot (the charts of the training pages): its minified build is an IIFE
// that assigns `var uPlot`; as a module it gets `export default uPlot;`, which
// makes a 51 KB ES module of the same code (its own ES build is 145 KB,
// unminified). The CSS and the licence go with it. The build stops here,
// saying so, when the package is missing (`npm ci`, which `make deps` runs).
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/vendor-web.mjs OUT_DIR');
  process.exit(2);
}

function read(pkg, file) {
  try {
    return readFileSync(join(root, 'node_modules', pkg, file), 'utf8');
  } catch (e) {
    console.error(`vendor-web: cannot read ${pkg}/${file} (${e.code}); run 'npm ci' (make deps) first`);
    process.exit(1);
  }
}

/* Writes through a temporary file, so a stopped build never leaves half a file. */
function write(rel, text) {
  const path = join(out, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

const version = JSON.parse(read('uplot', 'package.json')).version;
const iife = read('uplot', 'dist/uPlot.iife.min.js');
if (!/^(\/\*![^*]*\*\/\s*)?var uPlot=function\(\)/.test(iife)) {
  console.error(`vendor-web: uplot ${version}: dist/uPlot.iife.min.js no longer starts with "var uPlot=function()"; update scripts/vendor-web.mjs`);
  process.exit(1);
}
write('uplot/uPlot.min.js', `${iife.trimEnd()}\nexport default uPlot;\n`);
write('uplot/uPlot.min.css', read('uplot', 'dist/uPlot.min.css'));
write('uplot/LICENSE.txt', read('uplot', 'LICENSE'));
