package io.hyperp.core.testing;

import static org.quicktheories.generators.SourceDSL.integers;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import org.quicktheories.core.Gen;

/**
 * QuickTheories generators of parameter specs: matrices from 1 x 1 up to 9 x 9 (so 1 x n and n x 1
 * appear often) and stacks of 1 to 4 matrices.
 */
public final class ShapeGens {

    private ShapeGens() {}

    /** A HIDDEN matrix or an EXPERT stack (roughly one in three). */
    public static Gen<ParamSpec> sphereSpecs() {
        return integers()
                .between(1, 9)
                .zip(
                        integers().between(1, 9),
                        integers().between(0, 4),
                        (r, c, e) -> e == 0 || e == 4
                                ? ParamSpec.matrixOutIn("w", r, c, ParamRole.HIDDEN)
                                : ParamSpec.expertStack("experts", e, r, c));
    }
}
