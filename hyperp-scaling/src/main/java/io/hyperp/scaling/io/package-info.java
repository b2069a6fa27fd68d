/**
 * Plain-text input and output without a data-binding library: {@link io.hyperp.scaling.io.Json} writes maps,
 * lists and numbers as JSON; {@link io.hyperp.scaling.io.CsvTable} reads a CSV file with a header row and
 * hands out validated numeric columns.
 *
 * <p>{@link io.hyperp.scaling.io.LawJson} reads back a power law written by {@code hyperp fit-law --json}
 * (Jackson's streaming parser) and refuses documents of any other shape.
 *
 * <p>Rules: numbers are written with {@link java.lang.Double#toString(double)} (exact round trip, locale
 * independent); NaN and infinities become JSON {@code null}; bad input raises
 * {@link java.lang.IllegalArgumentException} naming the file, row and column.
 */
package io.hyperp.scaling.io;
