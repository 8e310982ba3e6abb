/*
 * libvecmath: see vecmath.h.
 *
 * Build-time macros:
 *   VECMATH_VERSION_STRING  the string vecmath_version() returns (default "1.0.0").
 *   VECMATH_OMIT_VERSION    leave vecmath_version() out, to make a library whose
 *                           ABI does not match vecmath.h (for link tests).
 */
#include "vecmath.h"
#include "vecutil.h"

#include <math.h>

#ifndef VECMATH_VERSION_STRING
#define VECMATH_VERSION_STRING "1.0.0"
#endif

/* Products are summed in blocks through libvecutil so libvecmath really needs it. */
#define VECMATH_BLOCK 64

double vecmath_dot(const double *x, const double *y, int n)
{
    double products[VECMATH_BLOCK];
    double total = 0.0;
    for (int start = 0; start < n; start += VECMATH_BLOCK) {
        int count = n - start < VECMATH_BLOCK ? n - start : VECMATH_BLOCK;
        for (int i = 0; i < count; i++) {
            products[i] = x[start + i] * y[start + i];
        }
        total += vecutil_sum(products, count);
    }
    return total;
}

double vecmath_sum(const double *x, int n)
{
    return vecutil_sum(x, n);
}

double vecmath_norm(const double *x, int n)
{
    return sqrt(vecmath_dot(x, x, n));
}

void vecmath_scale(double *x, int n, double factor)
{
    for (int i = 0; i < n; i++) {
        x[i] *= factor;
    }
}

#ifndef VECMATH_OMIT_VERSION
const char *vecmath_version(void)
{
    return VECMATH_VERSION_STRING;
}
#endif
