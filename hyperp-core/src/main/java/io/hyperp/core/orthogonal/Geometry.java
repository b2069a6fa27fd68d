package io.hyperp.core.orthogonal;

import io.hyperp.core.param.ParamSpec;

/**
 * Where the matrices of a parameter are and how Newton-Schulz sees them: matrix {@code b} of a
 * stack is the tensor along the two non-expert axes in axis order, {@code [rows, cols]}; the
 * iteration works on the wide \(m \times n\) matrix, \(m = \min(rows, cols) \le n\), which is the
 * transpose of the stored one when {@code rows > cols}.
 */
final class Geometry {

    final int batch;
    final int expertAxis; // -1 for a plain matrix
    final int firstAxis; // the stored matrix's row axis
    final int secondAxis; // the stored matrix's column axis
    final long rows;
    final long cols;
    final boolean transpose;
    final int m;
    final int n;

    Geometry(ParamSpec spec) {
        long[] s = spec.shape();
        this.batch = Math.toIntExact(spec.matrixCount());
        this.expertAxis = spec.isStack() ? spec.expertAxis() : -1;
        if (spec.isStack()) {
            int f = -1;
            int g = -1;
            for (int a = 0; a < s.length; a++) {
                if (a != spec.expertAxis()) {
                    if (f < 0) {
                        f = a;
                    } else {
                        g = a;
                    }
                }
            }
            this.firstAxis = f;
            this.secondAxis = g;
        } else {
            this.firstAxis = 0;
            this.secondAxis = 1;
        }
        this.rows = s[firstAxis];
        this.cols = s[secondAxis];
        this.transpose = rows > cols;
        this.m = Math.toIntExact(Math.min(rows, cols));
        this.n = Math.toIntExact(Math.max(rows, cols));
    }

    /** Element offset of matrix {@code b} from the start of {@code strides}' array. */
    long matrixOffset(long[] strides, int b) {
        return expertAxis < 0 ? 0 : b * strides[expertAxis];
    }

    /** Stride between consecutive rows of the wide matrix (its first index). */
    long wideRowStride(long[] strides) {
        return transpose ? strides[secondAxis] : strides[firstAxis];
    }

    /** Stride between consecutive columns of the wide matrix (its second index). */
    long wideColStride(long[] strides) {
        return transpose ? strides[firstAxis] : strides[secondAxis];
    }
}
