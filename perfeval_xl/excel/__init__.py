"""The Excel layer: UDFs, the 校验 button and the other buttons, through xlwings.

``functions`` and ``validate_book`` are plain Python (no xlwings import); ``udfs`` (``@xw.func``),
``scripts`` (``@xw.script`` for xlwings Lite) and ``buttons`` (RunPython entry points of the
Windows ribbon add-in) are thin wrappers over them, so every engine runs the same code.
"""
