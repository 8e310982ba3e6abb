#: nativelib template: a _distributor_init.py that a package using a nativelib library wheel
#: can ship (copy it to <package>/_distributor_init.py and import it first thing in
#: <package>/__init__.py, as numpy and scipy do).
#: Lines starting with "#:" are notes for template readers; renderers drop them.
#: Placeholders: none (the file can be copied verbatim once the "#:" lines are dropped).
"""Distributor init file: run distribution-specific setup before the extensions load.

Imports `_distributor_init_local` when it exists, as numpy's and scipy's
`_distributor_init.py` do; `nativelib link` writes that module to preload the
native libraries this package was linked against.

Unlike numpy's copy, which ignores every ImportError, only the absence of
`_distributor_init_local` itself is ignored: when it exists but cannot load a
library wheel, its error (which names the distribution to install) propagates
instead of an obscure "cannot open shared object file" later.
"""

import importlib

try:
    importlib.import_module("._distributor_init_local", __package__)
except ModuleNotFoundError as error:
    # `from . import ...` would turn a missing module into a plain ImportError;
    # import_module keeps ModuleNotFoundError and the name of what is missing.
    if error.name != f"{__package__}._distributor_init_local":
        raise
