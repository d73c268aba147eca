"""The domain core: model, value parsing, scoring and checks.

Pure Python, standard library only, so that it also runs inside xlwings Lite (Pyodide).
Nothing here knows about Excel; the adapters in perfeval_xl.io and perfeval_xl.excel do.
"""
