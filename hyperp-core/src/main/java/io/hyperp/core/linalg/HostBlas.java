package io.hyperp.core.linalg;

import java.lang.ref.WeakReference;
import java.nio.Buffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DenseOps}' host path: OpenBLAS level-1 routines (and {@code memcpy}) on pointers to the
 * arrays' memory. The pointer of an array is made when the array is first seen and kept, keyed by the
 * array's identity and checked against its data buffer, in a table of fixed size whose oldest entry is
 * replaced when full. Keys are weak references: the table never keeps an array alive. A lookup
 * allocates nothing.
 */
final class HostBlas implements DenseOps.Host {

    // Weak, so that the table never keeps a caller's arrays (and their off-heap memory) alive.
    private final WeakReference<INDArray>[] keys;
    private final WeakReference<DataBuffer>[] buffers;
    private final Pointer[] pointers; // at the array's first element; null if not dense
    private final Buffer[] views; // made on first request
    private int next;
    private int last; // the slot of the last lookup

    @SuppressWarnings("unchecked")
    HostBlas(int capacity) {
        keys = new WeakReference[capacity];
        buffers = new WeakReference[capacity];
        pointers = new Pointer[capacity];
        views = new Buffer[capacity];
    }

    @Override
    public int capacity() {
        return keys.length;
    }

    @Override
    public boolean dense(INDArray x) {
        return pointers[slot(x)] != null;
    }

    @Override
    public boolean dense(INDArray x, INDArray y) {
        if (!dense(x) || !dense(y)) {
            return false;
        }
        return x.ordering() == y.ordering() || (vectorLike(x) && vectorLike(y));
    }

    @Override
    public double dot(INDArray x, INDArray y) {
        int n = (int) x.length();
        Pointer px = pointer(x);
        Pointer py = pointer(y);
        if (x.dataType() == DataType.DOUBLE) {
            return openblas_nolapack.cblas_ddot(n, (DoublePointer) px, 1, (DoublePointer) py, 1);
        }
        return openblas_nolapack.cblas_sdot(n, (FloatPointer) px, 1, (FloatPointer) py, 1);
    }

    @Override
    public void scal(double alpha, INDArray x) {
        int n = (int) x.length();
        Pointer px = pointer(x);
        if (x.dataType() == DataType.DOUBLE) {
            openblas_nolapack.cblas_dscal(n, alpha, (DoublePointer) px, 1);
        } else {
            openblas_nolapack.cblas_sscal(n, (float) alpha, (FloatPointer) px, 1);
        }
    }

    @Override
    public void axpy(double alpha, INDArray x, INDArray y) {
        int n = (int) x.length();
        Pointer px = pointer(x);
        Pointer py = pointer(y);
        if (x.dataType() == DataType.DOUBLE) {
            openblas_nolapack.cblas_daxpy(n, alpha, (DoublePointer) px, 1, (DoublePointer) py, 1);
        } else {
            openblas_nolapack.cblas_saxpy(n, (float) alpha, (FloatPointer) px, 1, (FloatPointer) py, 1);
        }
    }

    @Override
    public void copy(INDArray x, INDArray y) {
        // libc memcpy: about twice as fast as OpenBLAS ?copy, which runs on one core.
        long bytes = x.length() * (x.dataType() == DataType.DOUBLE ? Double.BYTES : Float.BYTES);
        Pointer.memcpy(pointer(y), pointer(x), bytes);
    }

    @Override
    public Buffer view(INDArray x) {
        int s = slot(x);
        if (views[s] == null) {
            Pointer p = pointers[s];
            long end = p.position() + x.length();
            if (p instanceof DoublePointer d) {
                views[s] = new DoublePointer(d).capacity(end).limit(end).asBuffer();
            } else {
                views[s] = new FloatPointer((FloatPointer) p)
                        .capacity(end)
                        .limit(end)
                        .asBuffer();
            }
        }
        return views[s];
    }

    private Pointer pointer(INDArray x) {
        return pointers[slot(x)];
    }

    private boolean matches(int i, INDArray x, DataBuffer data) {
        return keys[i] != null && keys[i].get() == x && buffers[i].get() == data;
    }

    /** The table slot of {@code x}, made (replacing the oldest entry if full) on first sight. */
    private int slot(INDArray x) {
        DataBuffer data = x.data();
        if (matches(last, x, data)) {
            return last;
        }
        for (int i = 0; i < keys.length; i++) {
            if (matches(i, x, data)) {
                last = i;
                return i;
            }
        }
        int s = next;
        next = (next + 1) % keys.length;
        keys[s] = new WeakReference<>(x);
        buffers[s] = new WeakReference<>(data);
        views[s] = null;
        pointers[s] = makePointer(x, data);
        last = s;
        return s;
    }

    private static Pointer makePointer(INDArray x, DataBuffer data) {
        DataType dt = x.dataType();
        long n = x.length();
        if ((dt != DataType.FLOAT && dt != DataType.DOUBLE)
                || n < 1
                || n > Integer.MAX_VALUE
                || x.isEmpty()
                || x.elementWiseStride() != 1
                || data.dataType() != dt) {
            return null;
        }
        Pointer address = data.addressPointer();
        if (address == null || address.isNull()) {
            return null;
        }
        // A view's data buffer is itself a view: its address already includes the array's offset.
        return dt == DataType.DOUBLE ? new DoublePointer(address) : new FloatPointer(address);
    }

    private static boolean vectorLike(INDArray x) {
        int big = 0;
        for (int d = 0; d < x.rank(); d++) {
            if (x.size(d) > 1) {
                big++;
            }
        }
        return big <= 1;
    }
}
