package io.hyperp.core.orthogonal;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.param.ParamSpec;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Newton-Schulz orthogonalization of a matrix, or of each matrix of a stack, into preallocated
 * scratch: \( X_0 = G / (\|G\|_F + 10^{-7}) \), then for each (a, b, c) of the schedule
 * \( A = X X^T,\; B = bA + cA^2,\; X \leftarrow aX + BX \), working on the transpose of a tall
 * matrix (SPEC section 3).
 *
 * <p>All scratch is allocated by {@link #create}; {@link #orthogonalizeInto} allocates nothing. An
 * instance is not thread-safe.
 *
 * <p>References: Jordan, <i>Muon</i> (2024); Ren et al., arXiv 2603.28743.
 */
public final class NewtonSchulz {

    private final ParamSpec spec;
    private final NsSchedule schedule;
    private final DataType dataType;
    private final int batch;
    private final long rows;     // of the wide working matrix (rows <= cols)
    private final long cols;
    private final boolean transpose;
    private final INDArray x;    // [rows, cols] 'f'
    private final INDArray xNext;
    private final INDArray a;    // [rows, rows] 'f'
    private final INDArray bm;   // [rows, rows] 'f'

    private NewtonSchulz(ParamSpec spec, DataType dataType, NsSchedule schedule) {
        this.spec = spec;
        this.schedule = schedule;
        this.dataType = dataType;
        this.batch = Math.toIntExact(spec.matrixCount());
        long[] s = spec.shape();
        long m = spec.isStack() ? s[spec.fanOutAxis()] : s[0];
        long n = spec.isStack() ? s[spec.fanInAxis()] : s[1];
        if (spec.isStack()) {
            // Matrix b of the stack is the tensor along the two non-expert axes, in axis order.
            int first = Math.min(spec.fanInAxis(), spec.fanOutAxis());
            int second = Math.max(spec.fanInAxis(), spec.fanOutAxis());
            m = s[first];
            n = s[second];
        }
        this.transpose = m > n;
        this.rows = Math.min(m, n);
        this.cols = Math.max(m, n);
        this.x = Nd4j.createUninitialized(dataType, new long[] {rows, cols}, 'f');
        this.xNext = Nd4j.createUninitialized(dataType, new long[] {rows, cols}, 'f');
        this.a = Nd4j.createUninitialized(dataType, new long[] {rows, rows}, 'f');
        this.bm = Nd4j.createUninitialized(dataType, new long[] {rows, rows}, 'f');
    }

    /**
     * Allocates the scratch for parameters of this spec.
     *
     * @throws IllegalArgumentException for a rank-1 spec or a non-floating dtype
     */
    public static NewtonSchulz create(ParamSpec spec, DataType dataType, NsSchedule schedule) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(dataType, "dataType");
        Objects.requireNonNull(schedule, "schedule");
        checkArgument(spec.rank() >= 2, "%s: Newton-Schulz needs a matrix or a stack of matrices, found rank %s",
                spec.name(), spec.rank());
        checkArgument(dataType == DataType.FLOAT || dataType == DataType.DOUBLE,
                "%s: dataType must be FLOAT or DOUBLE, found %s", spec.name(), dataType);
        return new NewtonSchulz(spec, dataType, schedule);
    }

    /** The schedule. */
    public NsSchedule schedule() {
        return schedule;
    }

    /**
     * Orthogonalizes {@code g} (or each matrix of a stack) into {@code out}.
     *
     * @param g   the input, of the spec's shape; read only
     * @param out of the spec's shape; overwritten (must not be {@code g})
     */
    public void orthogonalizeInto(INDArray g, INDArray out) {
        Objects.requireNonNull(g, "g");
        Objects.requireNonNull(out, "out");
        spec.checkShape("g", g.shape());
        spec.checkShape("out", out.shape());
        checkArgument(g != out, "%s: out must not be the input array", spec.name());
        if (!spec.isStack()) {
            orthogonalizeMatrix(g, out);
            return;
        }
        int first = Math.min(spec.fanInAxis(), spec.fanOutAxis());
        int second = Math.max(spec.fanInAxis(), spec.fanOutAxis());
        for (int b = 0; b < batch; b++) {
            orthogonalizeMatrix(g.tensorAlongDimension(b, first, second), out.tensorAlongDimension(b, first, second));
        }
    }

    private void orthogonalizeMatrix(INDArray g, INDArray out) {
        x.assign(transpose ? g.transpose() : g);
        double norm = x.norm2Number().doubleValue();
        x.divi(norm + 1e-7);
        INDArray cur = x;
        INDArray next = xNext;
        for (int i = 0; i < schedule.iterations(); i++) {
            double ca = schedule.a(i);
            double cb = schedule.b(i);
            double cc = schedule.c(i);
            // A = X X^T
            Nd4j.gemm(cur, cur, a, false, true, 1.0, 0.0);
            // B = b A + c A A
            if (cc != 0.0) {
                Nd4j.gemm(a, a, bm, false, false, cc, 0.0);
                bm.addi(a.muli(cb));
            } else {
                bm.assign(a).muli(cb);
            }
            // X' = a X + B X
            next.assign(cur);
            Nd4j.gemm(bm, cur, next, false, false, 1.0, ca);
            INDArray t = cur;
            cur = next;
            next = t;
        }
        out.assign(transpose ? cur.transpose() : cur);
    }
}
