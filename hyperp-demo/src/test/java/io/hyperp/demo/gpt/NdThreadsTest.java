package io.hyperp.demo.gpt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.nativeblas.NativeOpsHolder;

class NdThreadsTest {

    @AfterEach
    void restore() {
        NdThreads.parallelModels();
    }

    /** The op thread count {@code ompGetMaxThreads} reports on a new thread after it applies the setting. */
    private static int appliedOnNewThread() throws InterruptedException {
        AtomicInteger seen = new AtomicInteger();
        Thread t = new Thread(() -> {
            NdThreads.applyToCurrentThread();
            seen.set(NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        });
        t.start();
        t.join();
        return seen.get();
    }

    @Test
    void applyToCurrentThread_givesAnotherThreadTheConfiguredOpThreads() throws Exception {
        // Two settings, so that one of them differs from whatever a new thread starts with.
        NdThreads.configure(2, 1);
        assertEquals(2, appliedOnNewThread());
        NdThreads.configure(1, 1);
        assertEquals(1, appliedOnNewThread());
        assertEquals("ops 1, blas 1", NdThreads.describe());
    }
}
