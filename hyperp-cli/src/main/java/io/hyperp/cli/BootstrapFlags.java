package io.hyperp.cli;

import io.hyperp.scaling.fit.BootstrapMethod;
import io.hyperp.scaling.fit.BootstrapOptions;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Bootstrap options shared by the fitting subcommands.
 *
 * <p>Not thread-safe (picocli fills it while parsing).
 *
 * <p>References: Efron and Tibshirani, An Introduction to the Bootstrap (1993).
 */
final class BootstrapFlags {
    @Option(
            names = "--resamples",
            paramLabel = "B",
            defaultValue = "1000",
            description = "Bootstrap resamples (0 disables intervals; default ${DEFAULT-VALUE}).")
    int resamples;

    @Option(
            names = "--level",
            paramLabel = "P",
            defaultValue = "0.95",
            description = "Confidence level of the intervals (default ${DEFAULT-VALUE}).")
    double level;

    @Option(
            names = "--seed",
            paramLabel = "S",
            defaultValue = "20260331",
            description = "Seed of the bootstrap (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--bootstrap",
            paramLabel = "METHOD",
            defaultValue = "residual",
            description = "Resampling: residual or cases (default ${DEFAULT-VALUE}).")
    String method;

    /**
     * Converts the flags into bootstrap options.
     *
     * @return the options
     * @throws IllegalArgumentException naming the flag at fault
     */
    BootstrapOptions toOptions() {
        if (resamples < 0) {
            throw new IllegalArgumentException("--resamples (" + resamples + ") must be non-negative");
        }
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("--level (" + level + ") must lie strictly between 0 and 1");
        }
        BootstrapMethod m = switch (method.toLowerCase(Locale.ROOT)) {
            case "residual" -> BootstrapMethod.RESIDUAL;
            case "cases" -> BootstrapMethod.CASES;
            default ->
                throw new IllegalArgumentException(
                        "unknown --bootstrap method '" + method + "' (known: residual, cases)");
        };
        return new BootstrapOptions(resamples, level, seed, m);
    }
}
