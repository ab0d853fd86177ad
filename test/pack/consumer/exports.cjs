// Loads each package named on the command line with require() and prints
// the names it exports, as JSON: { "<package>": ["name", ...] }.
'use strict';
const names = {};
for (const name of process.argv.slice(2)) names[name] = Object.keys(require(name)).sort();
process.stdout.write(JSON.stringify(names));
