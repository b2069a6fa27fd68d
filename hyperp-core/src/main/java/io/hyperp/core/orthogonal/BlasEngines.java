package io.hyperp.core.orthogonal;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The only place outside {@link KernelDetection} that names {@link BlasEngine}: reached only once
 * {@link NsKernel#SYMMETRIC_BLAS} is known to be available, so that the OpenBLAS classes are never
 * loaded where they are missing.
 */
final class BlasEngines {

    private BlasEngines() {}

    static Engine create(Geometry geometry, DataType dataType, NsSchedule schedule) {
        return new BlasEngine(geometry, dataType, schedule);
    }
}
