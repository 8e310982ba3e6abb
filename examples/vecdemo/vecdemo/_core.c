/*
 * vecdemo._core: the extension that needs libvecmath, like numpy's
 * _multiarray_umath and _umath_linalg need OpenBLAS.
 *
 *   dot(x, y) -> float       dot product of two equal-length sequences of numbers
 *   vecmath_version() -> str the version string of the loaded libvecmath
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <limits.h>

#include "vecmath.h"

/* Copies a sequence of numbers into a new PyMem buffer; NULL with an exception set on error. */
static double *doubles_from_sequence(PyObject *sequence, const char *what, Py_ssize_t *length)
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
        PyErr_NoMemory();
        return NULL;
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
    *length = count;
    return values;
}

static PyObject *core_dot(PyObject *module, PyObject *args)
{
    (void)module;
    PyObject *x_object;
    PyObject *y_object;
    if (!PyArg_ParseTuple(args, "OO:dot", &x_object, &y_object)) {
        return NULL;
    }
    Py_ssize_t x_length = 0;
    Py_ssize_t y_length = 0;
    double *x = doubles_from_sequence(x_object, "dot() argument 1 must be a sequence of numbers", &x_length);
    if (x == NULL) {
        return NULL;
    }
    double *y = doubles_from_sequence(y_object, "dot() argument 2 must be a sequence of numbers", &y_length);
    if (y == NULL) {
        PyMem_Free(x);
        return NULL;
    }
    if (x_length != y_length) {
        PyMem_Free(x);
        PyMem_Free(y);
        PyErr_Format(PyExc_ValueError, "dot() arguments have different lengths (%zd and %zd)", x_length, y_length);
        return NULL;
    }
    double result = vecmath_dot(x, y, (int)x_length);
    PyMem_Free(x);
    PyMem_Free(y);
    return PyFloat_FromDouble(result);
}

static PyObject *core_vecmath_version(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return PyUnicode_FromString(vecmath_version());
}

static PyMethodDef core_methods[] = {
    {"dot", core_dot, METH_VARARGS, "dot(x, y) -> float: dot product computed by libvecmath."},
    {"vecmath_version", core_vecmath_version, METH_NOARGS, "vecmath_version() -> str: version of the loaded libvecmath."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef core_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "vecdemo._core",
    .m_doc = "Calls into libvecmath (stands in for numpy's BLAS-using extensions).",
    .m_size = -1,
    .m_methods = core_methods,
};

PyMODINIT_FUNC PyInit__core(void)
{
    return PyModule_Create(&core_module);
}
