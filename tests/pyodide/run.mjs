// Run the xlwings Lite bundle in real Pyodide (node): node run.mjs WHEELS_DIR BUNDLE_DIR PAYLOAD.json
// Installs the pure wheels by unpacking them (no network: micropip would fetch from a CDN), sets
// the environment xlwings Lite runs in, imports the bundle's main.py as Lite does, and prints one
// JSON line: the registered functions and scripts, some UDF calls and the 校验 script's actions.
import { loadPyodide } from "pyodide";
import fs from "node:fs";
import path from "node:path";

const [wheelsDir, bundleDir, payloadPath] = process.argv.slice(2);
const pyodide = await loadPyodide();
pyodide.FS.mkdirTree("/wheels");
for (const name of fs.readdirSync(wheelsDir).filter((n) => n.endsWith(".whl"))) {
  pyodide.FS.writeFile(`/wheels/${name}`, fs.readFileSync(path.join(wheelsDir, name)));
}
pyodide.FS.mkdirTree("/home/pyodide/bundle");
pyodide.FS.writeFile("/home/pyodide/bundle/main.py", fs.readFileSync(path.join(bundleDir, "main.py")));
pyodide.FS.writeFile("/home/pyodide/payload.json", fs.readFileSync(payloadPath));
const result = await pyodide.runPythonAsync(fs.readFileSync(new URL("./probe.py", import.meta.url), "utf8"));
console.log(result);
