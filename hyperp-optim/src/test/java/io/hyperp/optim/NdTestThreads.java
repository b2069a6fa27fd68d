package io.hyperp.optim;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Runs this module's tests with ND4J's native ops and BLAS on one thread each (registered for every
 * test class through {@code META-INF/services} and {@code junit-platform.properties}).
 *
 * <p>The tests apply thousands of steps to tiny tensors, where each op is far too small to gain from a
 * second thread and the two native thread pools only compete for the cores; one thread each roughly
 * halves the suite's time on a 2-core machine. Results do not depend on it: every comparison in the
 * suite has a tolerance or compares two runs made under the same setting.
 */
public final class NdTestThreads implements BeforeAllCallback {

    private static volatile boolean configured;

    /** Creates the extension (JUnit instantiates it through the service loader). */
    public NdTestThreads() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        if (configured) {
            return;
        }
        synchronized (NdTestThreads.class) {
            if (!configured) {
                Nd4j.getExecutioner();
                NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
                Nd4j.factory().blas().setMaxThreads(1);
                configured = true;
            }
        }
    }
}
