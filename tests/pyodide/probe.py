# Runs inside Pyodide (see run.mjs); the last expression is the JSON the test reads.
import glob, json, os, site, sys, zipfile

for wheel in sorted(glob.glob("/wheels/*.whl")):
    zipfile.ZipFile(wheel).extractall(site.getsitepackages()[0])
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ON_SERVER"] = "true"
sys.path.insert(0, "/home/pyodide/bundle")

import xlwings as xw
from xlwings import server

import main  # the bundle: unpacks perfeval_xl into ~ and imports the UDFs and scripts

async def call(func_name, *args):
    body = {"func_name": func_name, "args": list(args), "caller_address": "Excel[B.xlsx]S!A1",
            "version": xw.__version__, "client": "Office.js", "runtime": "1.4",
            "culture_info_name": "zh-CN", "date_format": "yyyy/m/d"}
    return await server.custom_functions_call(body, main)

book = xw.Book(json=json.load(open("/home/pyodide/payload.json", encoding="utf-8")))
await server.custom_scripts_call(main, "validate", typehint_to_value={xw.Book: book})
import perfeval_xl
json.dumps({
    "platform": sys.platform,
    "package": perfeval_xl.__file__,
    "functions": sorted(f["name"] for f in server.custom_functions_meta(main)["functions"]),
    "scripts": sorted([s["function_name"], s["name"]] for s in server.custom_scripts_meta(main)),
    "calls": [
        await call("pe_score", [["≥8亿元"]], [["8.4亿元"]], [[3]]),
        await call("pe_exec_score", [[50]], [[100]], [[-10]]),
        await call("pe_exec_rate", [[{"type": "Error", "basicValue": "#DIV/0!", "errorType": "Div0"}]], [[5]]),
        await call("pe_grade", [[150]]),
    ],
    "actions": book.json()["actions"],
}, ensure_ascii=False)
