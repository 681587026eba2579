"""Text files packaged with the library, read through the package's loader.

This is what :func:`pkgutil.get_data` does, without its import: the loader that imported
a package reads the package's files, from a folder or a zip archive alike.
:mod:`importlib.resources` would do as well but imports pathlib, tempfile and zipfile
for it, about a tenth of what ``maebashi-dx status`` costs, so the files read on every
run (the message catalogues, the bundled plan) are read here; listing a folder, which a
loader cannot do, stays with :mod:`importlib.resources`.
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["package_text"]


def package_text(package: str, *parts: str) -> str:
    """The UTF-8 text of the file at ``parts`` inside the imported ``package``.

    >>> package_text("maebashi_dx", "locales", "en", "common.toml").startswith("#")
    True

    Raises:
        OSError: The file cannot be read (``FileNotFoundError`` when it is not there).
    """
    module = sys.modules[package]
    loader: Any = module.__spec__.loader if module.__spec__ is not None else None
    if module.__file__ is None or not hasattr(loader, "get_data"):
        msg = f"package {package!r} is not on a file system or in an archive"
        raise FileNotFoundError(msg)
    path = os.path.join(os.path.dirname(module.__file__), *parts)
    data: bytes = loader.get_data(path)
    return data.decode("utf-8")
