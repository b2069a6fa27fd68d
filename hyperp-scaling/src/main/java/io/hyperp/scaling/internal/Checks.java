package io.hyperp.scaling.internal;

import java.util.Locale;

/**
 * Argument checks whose messages name the argument and show what was found; every check fails on NaN.
 *
 * <p>Thread-safe (stateless). References: project style guide, section Errors.
 */
public final class Checks {
    private Checks() {}

    /**
     * Formats a message with {@link Locale#ROOT}.
     *
     * @param format a {@link String#format} pattern
     * @param args its arguments
     * @return the formatted message
     */
    public static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /**
     * Builds an {@link IllegalArgumentException} with a {@link Locale#ROOT}-formatted message.
     *
     * @param format a {@link String#format} pattern
     * @param args its arguments
     * @return the exception (not thrown)
     */
    public static IllegalArgumentException iae(String format, Object... args) {
        return new IllegalArgumentException(fmt(format, args));
    }

    /**
     * Checks that {@code value} is finite and strictly positive.
     *
     * @param value the value
     * @param name its name in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is not finite and positive (NaN included)
     */
    public static double positive(double value, String name) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw iae("%s (%s) must be positive and finite", name, value);
        }
        return value;
    }

    /**
     * Checks that {@code value} is finite and not negative.
     *
     * @param value the value
     * @param name its name in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is negative or not finite (NaN included)
     */
    public static double nonNegative(double value, String name) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw iae("%s (%s) must be non-negative and finite", name, value);
        }
        return value;
    }

    /**
     * Checks that {@code value} is finite.
     *
     * @param value the value
     * @param name its name in the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value} is NaN or infinite
     */
    public static double finite(double value, String name) {
        if (!Double.isFinite(value)) {
            throw iae("%s (%s) must be finite", name, value);
        }
        return value;
    }

    /**
     * Checks that every element of {@code values} is finite and strictly positive.
     *
     * @param values the values
     * @param name the array's name in the message
     * @return {@code values}
     * @throws IllegalArgumentException naming the first offending index
     */
    public static double[] allPositive(double[] values, String name) {
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] > 0 && Double.isFinite(values[i]))) {
                throw iae("%s[%d] (%s) must be positive and finite", name, i, values[i]);
            }
        }
        return values;
    }

    /**
     * Checks that every element of {@code values} is finite.
     *
     * @param values the values
     * @param name the array's name in the message
     * @return {@code values}
     * @throws IllegalArgumentException naming the first offending index
     */
    public static double[] allFinite(double[] values, String name) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw iae("%s[%d] (%s) must be finite", name, i, values[i]);
            }
        }
        return values;
    }

    /**
     * Checks that two arrays have the same length.
     *
     * @param a first length
     * @param aName first array's name
     * @param b second length
     * @param bName second array's name
     * @throws IllegalArgumentException if the lengths differ
     */
    public static void sameLength(int a, String aName, int b, String bName) {
        if (a != b) {
            throw iae("%s has %d values but %s has %d; they must match", aName, a, bName, b);
        }
    }
}
