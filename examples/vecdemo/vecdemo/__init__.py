"""vecdemo: a tiny package shaped like numpy/scipy for nativelib's tests.

`_core` needs libvecmath (as numpy's extensions need OpenBLAS) and `_util`
needs libvecutil directly (as scipy's Fortran extensions need libgfortran).
`_distributor_init` runs first so that a preloader injected by
`nativelib link` can load the provider's libraries before either extension.
"""

from . import _distributor_init  # noqa: F401  (must come before the extensions)
from . import _core, _util

__version__ = "1.0.0"

dot = _core.dot
vecmath_version = _core.vecmath_version

__all__ = ["dot", "vecmath_version", "_core", "_util"]
