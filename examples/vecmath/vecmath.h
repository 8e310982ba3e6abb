/*
 * libvecmath: a tiny vector-math library standing in for OpenBLAS.
 *
 * Exported symbols carry the version node VECMATH_1.0 (see vecmath.map), so
 * every consumer records a .gnu.version_r entry naming the library file, the
 * way consumers of libgfortran and libgomp do. libvecmath needs libvecutil.
 */
#ifndef VECMATH_H
#define VECMATH_H

#ifdef __cplusplus
extern "C" {
#endif

/* Dot product of x[0..n) and y[0..n); 0.0 when n <= 0. */
double vecmath_dot(const double *x, const double *y, int n);

/* Sum of x[0..n) (delegates to vecutil_sum). */
double vecmath_sum(const double *x, int n);

/* Euclidean norm of x[0..n) (uses libm's sqrt). */
double vecmath_norm(const double *x, int n);

/* Multiplies x[0..n) by factor in place. */
void vecmath_scale(double *x, int n, double factor);

/* The library's version, e.g. "1.0.0". Static storage; do not free. */
const char *vecmath_version(void);

#ifdef __cplusplus
}
#endif

#endif /* VECMATH_H */
