/* libvecutil: see vecutil.h. */
#include "vecutil.h"

#include <stdlib.h>

static int compare_doubles(const void *left, const void *right)
{
    double a = *(const double *)left;
    double b = *(const double *)right;
    return (a > b) - (a < b);
}

double vecutil_sum(const double *x, int n)
{
    double sum = 0.0;
    double compensation = 0.0;
    for (int i = 0; i < n; i++) {
        double corrected = x[i] - compensation;
        double next = sum + corrected;
        compensation = (next - sum) - corrected;
        sum = next;
    }
    return sum;
}

double vecutil_max(const double *x, int n)
{
    if (n <= 0) {
        return 0.0;
    }
    double largest = x[0];
    for (int i = 1; i < n; i++) {
        if (x[i] > largest) {
            largest = x[i];
        }
    }
    return largest;
}

void vecutil_sort(double *x, int n)
{
    if (n > 1) {
        qsort(x, (size_t)n, sizeof(double), compare_doubles);
    }
}
