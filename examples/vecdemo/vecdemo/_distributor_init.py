""" Distributor init file

Distributors: you can add custom code here to support particular distributions
of vecdemo.

For example, this is a good place to put any BLAS/LAPACK initialization code.

The vecdemo standard source distribution will not put code in this file, so you
can safely replace this file with your own version.

(Copied from numpy's numpy/_distributor_init.py; `nativelib link` adds the
`_distributor_init_local` module this imports.)
"""

try:
    from . import _distributor_init_local  # noqa: F401
except ImportError:
    pass
