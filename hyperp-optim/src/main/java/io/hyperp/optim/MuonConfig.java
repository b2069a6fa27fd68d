package io.hyperp.optim;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.orthogonal.NsSchedule;
import java.util.Objects;

/**
 * Configuration of the Muon direction: heavy-ball momentum {@code M <- mu M + G}, the Nesterov input
 * {@code mu M + G} (or {@code M}), then Newton-Schulz orthogonalization (SPEC section 3).
 *
 * @param momentum the momentum coefficient mu, in [0, 1)
 * @param nesterov whether to orthogonalize {@code mu M + G} instead of {@code M}
 * @param schedule the Newton-Schulz coefficient schedule
 */
public record MuonConfig(double momentum, boolean nesterov, NsSchedule schedule) {

    /** Validates the fields. */
    public MuonConfig {
        checkArgument(momentum >= 0 && momentum < 1, "momentum (%s) must be in [0, 1)", momentum);
        Objects.requireNonNull(schedule, "schedule");
    }

    /** HyperP's defaults: momentum 0.95, Nesterov, {@link NsSchedule#HYPERP_5}. */
    public static MuonConfig defaults() {
        return new MuonConfig(0.95, true, NsSchedule.HYPERP_5);
    }

    /** A copy with another momentum. */
    public MuonConfig withMomentum(double v) {
        return new MuonConfig(v, nesterov, schedule);
    }

    /** A copy with Nesterov on or off. */
    public MuonConfig withNesterov(boolean v) {
        return new MuonConfig(momentum, v, schedule);
    }

    /** A copy with another Newton-Schulz schedule. */
    public MuonConfig withSchedule(NsSchedule v) {
        return new MuonConfig(momentum, nesterov, v);
    }
}
