"""Data the installed package ships: found through importlib.resources, with the checkout as fallback.

The wheel carries the example district as ``perfeval_xl/examples`` (setup.py maps the repository's
``examples/`` folder there, so git stores it once). In a source checkout or an editable install
that folder is not inside the package, so the repository root's ``examples/`` is used instead.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT_ROOT = Path(__file__).resolve().parent.parent


def package_root() -> Path:
    """The installed package's folder (a real folder: the wheel is installed unzipped)."""
    return Path(str(resources.files("perfeval_xl")))


def examples_dir() -> Path:
    """The example district's folder (``district.toml`` and ``报送/``)."""
    packaged = package_root() / "examples"
    if (packaged / "district.toml").is_file():
        return packaged
    return _CHECKOUT_ROOT / "examples"


def in_checkout() -> bool:
    """True when running from the source tree (not from an installed wheel)."""
    return (_CHECKOUT_ROOT / "setup.cfg").is_file() and (_CHECKOUT_ROOT / "perfeval_xl").is_dir()
