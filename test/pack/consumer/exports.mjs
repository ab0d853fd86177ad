// Loads each package named on the command line twice, as a user would: with
// require() (the CJS build) and with import() (the ESM build). Prints the
// names each exports, as JSON: { "<package>": { "cjs": [...], "esm": [...] } }.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const names = {};
for (const name of process.argv.slice(2)) {
  const namespace = await import(name);
  names[name] = {
    cjs: Object.keys(require(name)).sort(),
    esm: Object.keys(namespace)
      .filter((key) => key !== 'default')
      .sort(),
  };
}
process.stdout.write(JSON.stringify(names));
