package io.hyperp.scaling.fit;

import io.hyperp.scaling.internal.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The data a fit used: predictor names, one predictor row per point and the responses.
 *
 * <p>Immutable and thread-safe (lists are unmodifiable copies).
 *
 * <p>References: SPEC section 7 (every fitted quantity reports the data it used).
 *
 * @param names predictor names
 * @param x predictor rows, one per point, each of {@code names.size()} values
 * @param y responses, one per point
 */
public record FitData(List<String> names, List<List<Double>> x, List<Double> y) {
    /** No data (a law given rather than fitted). */
    public static final FitData NONE = new FitData(List.of(), List.of(), List.of());

    /**
     * Copies and checks shapes.
     *
     * @param names predictor names
     * @param x predictor rows, one per point, each of {@code names.size()} values
     * @param y responses, one per point
     * @throws IllegalArgumentException if the row count or a row length does not match
     */
    public FitData {
        names = List.copyOf(names);
        List<List<Double>> rows = new ArrayList<>(x.size());
        for (List<Double> row : x) {
            if (row.size() != names.size()) {
                throw Checks.iae("a row has %d values but there are %d predictors", row.size(), names.size());
            }
            rows.add(List.copyOf(row));
        }
        x = Collections.unmodifiableList(rows);
        y = List.copyOf(y);
        Checks.sameLength(x.size(), "x", y.size(), "y");
    }

    /**
     * Copies arrays into fit data.
     *
     * @param names predictor names
     * @param x predictor rows
     * @param y responses
     * @return the data
     */
    public static FitData of(List<String> names, double[][] x, double[] y) {
        List<List<Double>> rows = new ArrayList<>(x.length);
        for (double[] r : x) {
            List<Double> row = new ArrayList<>(r.length);
            for (double v : r) {
                row.add(v);
            }
            rows.add(row);
        }
        List<Double> ys = new ArrayList<>(y.length);
        for (double v : y) {
            ys.add(v);
        }
        return new FitData(names, rows, ys);
    }

    /**
     * Returns the number of points.
     *
     * @return the size
     */
    public int size() {
        return y.size();
    }
}
