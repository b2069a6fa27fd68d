package io.hyperp.optim;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import io.hyperp.core.param.ParamSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ordered collection of named tensors, each with its {@link ParamSpec}: the parameters of a
 * model, its gradients, or an optimizer's buffers. The collection itself is immutable; the arrays it
 * holds are not (optimizers write parameters in place).
 *
 * <p>Every array is checked against its spec's shape when the set is built, so a mismatch surfaces
 * with the tensor's name before any optimizer touches anything. The set may be shared between
 * threads; its arrays are not protected.
 *
 * <p>References: DeepMind optax (parameter pytrees), here an ordered list of named tensors.
 */
public final class ParamSet {

    /** One named tensor. */
    public record Entry(ParamSpec spec, INDArray array) {
        /** Checks that the array has the spec's shape. */
        public Entry {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(array, "array");
            spec.checkShape("array", array.shape());
        }

        /** The tensor's name. */
        public String name() {
            return spec.name();
        }
    }

    private final ImmutableList<Entry> entries;
    private final Map<String, Integer> index;

    private ParamSet(List<Entry> entries) {
        this.entries = ImmutableList.copyOf(entries);
        this.index = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            Integer prev = index.put(entries.get(i).name(), i);
            checkArgument(
                    prev == null,
                    "duplicate parameter name '%s'",
                    entries.get(i).name());
        }
    }

    /** A set of the given entries, in order; names must be unique. */
    public static ParamSet of(List<Entry> entries) {
        Objects.requireNonNull(entries, "entries");
        return new ParamSet(entries);
    }

    /**
     * A set pairing each spec with the array of the same name.
     *
     * @throws IllegalArgumentException if an array is missing or has the wrong shape
     */
    public static ParamSet of(List<ParamSpec> specs, Map<String, INDArray> arrays) {
        Objects.requireNonNull(specs, "specs");
        Objects.requireNonNull(arrays, "arrays");
        List<Entry> list = new ArrayList<>(specs.size());
        for (ParamSpec s : specs) {
            INDArray a = arrays.get(s.name());
            checkArgument(a != null, "no array for parameter '%s'", s.name());
            list.add(new Entry(s, a));
        }
        return new ParamSet(list);
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects entries in order. Not thread-safe. */
    public static final class Builder {
        private final List<Entry> list = new ArrayList<>();

        private Builder() {}

        /** Adds one tensor; its shape must match the spec. */
        public Builder add(ParamSpec spec, INDArray array) {
            list.add(new Entry(spec, array));
            return this;
        }

        /** The set. */
        public ParamSet build() {
            return new ParamSet(list);
        }
    }

    /** The entries in order. */
    public List<Entry> entries() {
        return entries;
    }

    /** The number of tensors. */
    public int size() {
        return entries.size();
    }

    /** The specs in order. */
    public List<ParamSpec> specs() {
        return entries.stream().map(Entry::spec).collect(ImmutableList.toImmutableList());
    }

    /** The entry at position i. */
    public Entry get(int i) {
        return entries.get(i);
    }

    /** The array of the named tensor. */
    public INDArray array(String name) {
        Integer i = index.get(name);
        checkArgument(i != null, "no parameter named '%s'", name);
        return entries.get(i).array();
    }

    /** Whether a tensor of this name is present. */
    public boolean contains(String name) {
        return index.containsKey(name);
    }

    /** The subset with the given names, in this set's order. */
    ParamSet subset(Set<String> names) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries) {
            if (names.contains(e.name())) {
                out.add(e);
            }
        }
        return new ParamSet(out);
    }

    /**
     * Checks that {@code other} has the same names, in the same order, with the same shapes.
     *
     * @param what how to call {@code other} in the message, for example {@code "grads"}
     */
    public void checkCompatible(String what, ParamSet other) {
        Objects.requireNonNull(other, what);
        if (other.size() != size()) {
            Set<String> mine = new HashSet<>(index.keySet());
            Set<String> theirs = new HashSet<>(other.index.keySet());
            Set<String> missing = new HashSet<>(mine);
            missing.removeAll(theirs);
            Set<String> extra = new HashSet<>(theirs);
            extra.removeAll(mine);
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "%s: expected %d tensors, found %d (missing %s, unexpected %s)",
                    what,
                    size(),
                    other.size(),
                    missing,
                    extra));
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry a = entries.get(i);
            Entry b = other.entries.get(i);
            if (!a.name().equals(b.name())) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "%s: tensor %d is '%s', expected '%s'", what, i, b.name(), a.name()));
            }
            if (!Arrays.equals(a.array().shape(), b.array().shape())) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%s[%s]: expected shape %s, found %s",
                        what,
                        a.name(),
                        Arrays.toString(a.array().shape()),
                        Arrays.toString(b.array().shape())));
            }
            if (a.array().dataType() != b.array().dataType()) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%s[%s]: expected dtype %s, found %s",
                        what,
                        a.name(),
                        a.array().dataType(),
                        b.array().dataType()));
            }
        }
    }

    @Override
    public String toString() {
        return "ParamSet" + index.keySet();
    }
}
