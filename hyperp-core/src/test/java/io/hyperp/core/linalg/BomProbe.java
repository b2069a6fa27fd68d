package io.hyperp.core.linalg;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Run by {@link BomConsumerTest} in a JVM whose class path a consumer project resolved: does a matrix
 * product on ND4J's backend, then prints the OpenBLAS the process loaded, one {@code key=value} a line.
 */
public final class BomProbe {

    private BomProbe() {}

    public static void main(String[] args) {
        Nd4j.create(new float[] {1, 2, 3, 4}, 2, 2).mmul(Nd4j.eye(2));
        BlasLibrary.Info info = BlasLibrary.read().orElseThrow(() -> new IllegalStateException("no OpenBLAS read"));
        System.out.println("openblas.version=" + info.version());
        System.out.println("openblas.core=" + info.core());
        System.out.println("openblas.path=" + info.path());
    }
}
