/*
 * libvecutil: low-level helpers that libvecmath builds on.
 *
 * Plays the part libgfortran plays for OpenBLAS: a second shared library that
 * the main one needs, and that some consumers (vecdemo._util, like scipy's own
 * Fortran extensions) also need directly. Exported symbols carry the version
 * node VECUTIL_1.0 (see vecutil.map).
 */
#ifndef VECUTIL_H
#define VECUTIL_H

#ifdef __cplusplus
extern "C" {
#endif

/* Sum of x[0..n), accumulated with Kahan compensation; 0.0 when n <= 0. */
double vecutil_sum(const double *x, int n);

/* Largest of x[0..n); 0.0 when n <= 0. */
double vecutil_max(const double *x, int n);

/* Sorts x[0..n) in ascending order (with the C library's qsort). */
void vecutil_sort(double *x, int n);

#ifdef __cplusplus
}
#endif

#endif /* VECUTIL_H */
