// Loads each package named on the command line with import() and prints
// the names it exports, as JSON: { "<package>": ["name", ...] }.
const names = {};
for (const name of process.argv.slice(2)) {
  const namespace = await import(name);
  names[name] = Object.keys(namespace).filter((key) => key !== 'default').sort();
}
process.stdout.write(JSON.stringify(names));
