package io.hyperp.core.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * A JUnit 5 extension that sets ND4J's native op threads and BLAS threads to one, once per JVM. A
 * module registers it for all its test classes with a {@code META-INF/services} entry for
 * {@code org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled=true} in {@code junit-platform.properties}.
 *
 * <p>Why: unit tests run thousands of ops on tiny arrays, where a second native thread gains nothing
 * and the two pools only wait on each other; on a busy 2-core machine every parallel op can then
 * stall for a scheduler time slice. Results do not depend on it: tests compare with tolerances.
 */
public final class SingleThreadedNd4j implements BeforeAllCallback {

    private static volatile boolean configured;

    /** Created by JUnit through the service loader. */
    public SingleThreadedNd4j() {}

    @Override
    public void beforeAll(ExtensionContext context) {
        if (configured) {
            return;
        }
        synchronized (SingleThreadedNd4j.class) {
            if (!configured) {
                Nd4j.getExecutioner();
                NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
                Nd4j.factory().blas().setMaxThreads(1);
                configured = true;
            }
        }
    }
}
