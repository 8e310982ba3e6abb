/*
 * vecdemo._util: the extension that needs libvecutil directly, like scipy's
 * own Fortran extensions need libgfortran even when OpenBLAS is not vendored.
 *
 *   sum(x) -> float   sum of a sequence of numbers, computed by libvecutil
 *   max(x) -> float   largest item of a sequence of numbers (0.0 when empty)
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <limits.h>

#include "vecutil.h"

typedef double (*reduction)(const double *, int);

static PyObject *reduce_sequence(PyObject *sequence, reduction function, const char *what)
{
    PyObject *fast = PySequence_Fast(sequence, what);
    if (fast == NULL) {
        return NULL;
    }
    Py_ssize_t count = PySequence_Fast_GET_SIZE(fast);
    if (count > INT_MAX) {
        Py_DECREF(fast);
        PyErr_Format(PyExc_OverflowError, "%s has more than %d items", what, INT_MAX);
        return NULL;
    }
    double *values = PyMem_Malloc((count > 0 ? count : 1) * sizeof(double));
    if (values == NULL) {
        Py_DECREF(fast);
        return PyErr_NoMemory();
    }
    PyObject **items = PySequence_Fast_ITEMS(fast);
    for (Py_ssize_t i = 0; i < count; i++) {
        values[i] = PyFloat_AsDouble(items[i]);
        if (values[i] == -1.0 && PyErr_Occurred()) {
            PyMem_Free(values);
            Py_DECREF(fast);
            return NULL;
        }
    }
    Py_DECREF(fast);
    double result = function(values, (int)count);
    PyMem_Free(values);
    return PyFloat_FromDouble(result);
}

static PyObject *util_sum(PyObject *module, PyObject *sequence)
{
    (void)module;
    return reduce_sequence(sequence, vecutil_sum, "sum() argument must be a sequence of numbers");
}

static PyObject *util_max(PyObject *module, PyObject *sequence)
{
    (void)module;
    return reduce_sequence(sequence, vecutil_max, "max() argument must be a sequence of numbers");
}

static PyMethodDef util_methods[] = {
    {"sum", util_sum, METH_O, "sum(x) -> float: sum computed by libvecutil."},
    {"max", util_max, METH_O, "max(x) -> float: largest item, computed by libvecutil."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef util_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "vecdemo._util",
    .m_doc = "Calls into libvecutil directly (stands in for scipy's Fortran extensions).",
    .m_size = -1,
    .m_methods = util_methods,
};

PyMODINIT_FUNC PyInit__util(void)
{
    return PyModule_Create(&util_module);
}
