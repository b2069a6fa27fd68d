package io.hyperp.dl4j.internal;

import static com.google.common.base.Preconditions.checkArgument;

import io.hyperp.core.param.ParamRole;
import io.hyperp.core.param.ParamSpec;
import io.hyperp.core.rule.ParamTreatment;
import io.hyperp.core.rule.ParameterizationRule;
import io.hyperp.dl4j.HyperpUpdater;
import io.hyperp.optim.Checkpoints;
import io.hyperp.optim.NonFinitePolicy;
import io.hyperp.optim.OptimizerOptions;
import io.hyperp.optim.Optimizers;
import io.hyperp.optim.ParamSet;
import io.hyperp.optim.Transform;
import io.hyperp.optim.TransformState;
import io.hyperp.optim.schedule.LrSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.NoOpUpdater;

/**
 * The HyperP optimizer of one DL4J network, attached to the network's live arrays: the parameter
 * views, the gradient views and the updater state view.
 *
 * <p>The optimizer is hyperp-optim's transform for the stored roles and treatments
 * ({@link Optimizers#transform}); its state is mirrored in the DL4J updater state view, which is
 * the master copy: each step reads the view into the transform's state, runs the transform (which
 * writes the parameters in place), and writes the state back. So whatever DL4J does to its updater
 * state (ModelSerializer, {@code clone}, {@code setStateViewArray}) is what the next step uses.
 *
 * <p>Per parameter, the state segment is {@link HyperpUpdater#HEADER_LENGTH} header entries
 * ({@code [written, step mod 2^20, step / 2^20, skipped mod 2^20, skipped / 2^20]}; every entry is an
 * integer below 2^24 and so exact in float32) followed by the transform's buffers of that parameter
 * in name order, each flattened in C order.
 *
 * <p>Not thread-safe; DL4J calls it from its synchronized updater.
 */
public final class NetworkBinding {

    private static final long HALF = 1L << 20;
    /** Every header entry is an integer below 2^24, exact in float32. */
    private static final double HEADER_ENTRY_LIMIT = 1 << 24;

    private final Transform transform;
    private final TransformState state;
    private final ParamSet params;
    private final ParamSet grads;
    private final ParamSet updates;
    private final INDArray[] scalars;
    private final LrSchedule schedule;
    private final NonFinitePolicy policy;
    private final INDArray[] headers;
    private final INDArray[] bufferFlat;
    private final INDArray[] bufferSegment;
    private final Map<String, INDArray> radiusSegments;

    private NetworkBinding(
            Transform transform,
            TransformState state,
            ParamSet params,
            ParamSet grads,
            LrSchedule schedule,
            NonFinitePolicy policy,
            INDArray[] headers,
            INDArray[] bufferFlat,
            INDArray[] bufferSegment,
            Map<String, INDArray> radiusSegments) {
        this.transform = transform;
        this.state = state;
        this.params = params;
        this.grads = grads;
        ParamSet.Builder b = ParamSet.builder();
        for (ParamSet.Entry e : params.entries()) {
            b.add(e.spec(), Nd4j.create(e.array().dataType(), e.array().shape()));
        }
        this.updates = b.build();
        this.scalars = new INDArray[params.size()];
        for (int i = 0; i < scalars.length; i++) {
            scalars[i] = Nd4j.scalar(params.get(i).array().dataType(), 0.0);
        }
        this.schedule = schedule;
        this.policy = policy;
        this.headers = headers;
        this.bufferFlat = bufferFlat;
        this.bufferSegment = bufferSegment;
        this.radiusSegments = radiusSegments;
    }

    /** One HyperP parameter found in the updater blocks. */
    private record Found(
            String key, HyperpUpdater config, ParamSpec spec, INDArray param, INDArray grad, INDArray segment) {}

    /**
     * Binds the HyperP updaters among {@code blocks} to one new optimizer.
     *
     * @param blocks   the network updater's blocks, in order
     * @param prefixOf the parameter-key prefix of a layer (its index in a MultiLayerNetwork, its
     *                 vertex name in a ComputationGraph)
     * @throws IllegalStateException    if no parameter uses HyperP, if a parameter uses another
     *                                  updater (other than a no-op), if the stored configurations
     *                                  disagree on schedule or options, or if the state view does not
     *                                  have the length the configuration needs
     * @throws IllegalArgumentException if the stored state is corrupted or inadmissible: a header that
     *                                  is not a written flag and two counts below 2^44, parameters that
     *                                  disagree on the step, state for only some parameters, or a
     *                                  buffer value that {@link Checkpoints#checkAdmissible} refuses; the
     *                                  network and its updater state are left untouched
     */
    public static NetworkBinding bind(List<UpdaterBlock> blocks, Function<Trainable, String> prefixOf) {
        Objects.requireNonNull(blocks, "blocks");
        Objects.requireNonNull(prefixOf, "prefixOf");
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return bindOutOfWorkspace(blocks, prefixOf);
        }
    }

    private static NetworkBinding bindOutOfWorkspace(List<UpdaterBlock> blocks, Function<Trainable, String> prefixOf) {
        List<Found> found = new ArrayList<>();
        List<HyperpGradientUpdater> updaters = new ArrayList<>();
        List<INDArray> blockGradients = new ArrayList<>();
        HyperpUpdater first = null;
        for (UpdaterBlock ub : blocks) {
            GradientUpdater<?> gu = ub.getGradientUpdater();
            List<String> keys = new ArrayList<>();
            for (UpdaterBlock.ParamState ps : ub.getLayersAndVariablesInBlock()) {
                keys.add(prefixOf.apply(ps.getLayer()) + "_" + ps.getParamName());
            }
            if (gu instanceof NoOpUpdater) {
                continue;
            }
            if (!(gu instanceof HyperpGradientUpdater h)) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "parameters %s use updater %s, not HyperP; attach HyperP to the whole network with HyperpDl4j.attach",
                        keys,
                        gu == null ? "none" : gu.getConfig()));
            }
            INDArray blockView = h.view().reshape(h.view().length());
            long offset = 0;
            for (int i = 0; i < keys.size(); i++) {
                UpdaterBlock.ParamState ps = ub.getLayersAndVariablesInBlock().get(i);
                String key = keys.get(i);
                if (!(ps.getLayer().getConfig().getUpdaterByParam(ps.getParamName()) instanceof HyperpUpdater cfg)) {
                    throw new IllegalStateException(String.format(
                            Locale.ROOT, "%s shares a HyperP updater block but is not configured with HyperP", key));
                }
                if (first == null) {
                    first = cfg;
                } else {
                    checkSameGlobals(first, cfg, found.get(0).key(), key);
                }
                INDArray p = ps.getLayer().paramTable(false).get(ps.getParamName());
                long n = p.length();
                long size = cfg.stateSize(n);
                if (offset + size > blockView.length()) {
                    throw new IllegalStateException(String.format(
                            Locale.ROOT,
                            "%s: the updater state view is too short (%d entries for this block); was it written by a different configuration?",
                            key,
                            blockView.length()));
                }
                INDArray segment = blockView.get(NDArrayIndex.interval(offset, offset + size));
                offset += size;
                found.add(shaped(key, cfg, p, ps.getGradView(), segment));
            }
            if (offset != blockView.length()) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "parameters %s: the updater state view has %d entries, the configuration needs %d",
                        keys,
                        blockView.length(),
                        offset));
            }
            updaters.add(h);
            blockGradients.add(ub.getGradientView());
        }
        if (found.isEmpty()) {
            throw new IllegalStateException(
                    "no parameter of this network is configured with HyperP; call HyperpDl4j.attach first");
        }

        List<ParamSpec> specs = new ArrayList<>();
        Map<String, ParamTreatment> treatments = new LinkedHashMap<>();
        ParamSet.Builder pb = ParamSet.builder();
        ParamSet.Builder gb = ParamSet.builder();
        for (Found f : found) {
            specs.add(f.spec());
            treatments.put(f.key(), f.config().treatment());
            pb.add(f.spec(), f.param());
            gb.add(f.spec(), f.grad());
        }
        ParamSet params = pb.build();
        ParamSet grads = gb.build();
        OptimizerOptions options = first.options();
        Transform transform = Optimizers.transform(specs, new StoredRule(treatments), options);
        TransformState state = transform.init(params);

        Map<String, INDArray> all = new TreeMap<>();
        state.collectBuffers("", all);
        Map<String, List<Map.Entry<String, INDArray>>> byParam = new LinkedHashMap<>();
        for (Found f : found) {
            byParam.put(f.key(), new ArrayList<>());
        }
        for (Map.Entry<String, INDArray> e : all.entrySet()) {
            String owner = null;
            for (Found f : found) {
                String name = e.getKey();
                String head = name.substring(0, Math.max(name.lastIndexOf('/'), 0));
                if (head.equals(f.key()) || head.endsWith("/" + f.key())) {
                    if (owner != null) {
                        throw new IllegalStateException(String.format(
                                Locale.ROOT,
                                "optimizer buffer '%s' matches parameters %s and %s; rename one of the layers",
                                name,
                                owner,
                                f.key()));
                    }
                    owner = f.key();
                }
            }
            if (owner == null) {
                throw new IllegalStateException("optimizer buffer '" + e.getKey() + "' belongs to no parameter");
            }
            byParam.get(owner).add(e);
        }

        INDArray[] headers = new INDArray[found.size()];
        List<INDArray> flats = new ArrayList<>();
        List<INDArray> segs = new ArrayList<>();
        List<String> segNames = new ArrayList<>();
        List<String> segOwners = new ArrayList<>();
        Map<String, INDArray> radius = new LinkedHashMap<>();
        int written = 0;
        for (int i = 0; i < found.size(); i++) {
            Found f = found.get(i);
            headers[i] = f.segment().get(NDArrayIndex.interval(0, HyperpUpdater.HEADER_LENGTH));
            long off = HyperpUpdater.HEADER_LENGTH;
            for (Map.Entry<String, INDArray> e : byParam.get(f.key())) {
                INDArray buf = e.getValue();
                long len = buf.length();
                INDArray flat = buf.reshape('c', new long[] {len});
                checkArgument(
                        sameMemory(flat, buf), "%s: optimizer buffer '%s' is not contiguous", f.key(), e.getKey());
                if (off + len > f.segment().length()) {
                    throw new IllegalStateException(String.format(
                            Locale.ROOT,
                            "%s: the optimizer state (%s) does not fit the %d entries DL4J reserved",
                            f.key(),
                            byParam.get(f.key()).stream().map(Map.Entry::getKey).toList(),
                            f.segment().length()));
                }
                INDArray seg = f.segment().get(NDArrayIndex.interval(off, off + len));
                off += len;
                flats.add(flat);
                segs.add(seg);
                segNames.add(e.getKey());
                segOwners.add(f.key());
                if (e.getKey().endsWith("/radius")) {
                    radius.put(f.key(), seg);
                }
            }
            if (off != f.segment().length()) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "%s: the optimizer state has %d entries, DL4J reserved %d",
                        f.key(),
                        off - HyperpUpdater.HEADER_LENGTH,
                        f.segment().length() - HyperpUpdater.HEADER_LENGTH));
            }
            double flag = headers[i].getDouble(0);
            if (flag == 1.0) {
                written++;
            } else if (flag != 0.0) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "%s: the updater state header is corrupted (flag %s)", f.key(), flag));
            }
        }
        if (written != 0 && written != found.size()) {
            throw new IllegalArgumentException(String.format(
                    Locale.ROOT,
                    "the updater state holds HyperP state for %d of %d parameters; it was not written by this configuration",
                    written,
                    found.size()));
        }
        if (written != 0) {
            // Everything stored is checked before anything is written or bound.
            checkStoredHeaders(found, headers);
            for (int j = 0; j < segs.size(); j++) {
                Checkpoints.checkAdmissible(
                        "the updater state of " + segOwners.get(j),
                        segNames.get(j),
                        segs.get(j).toDoubleVector(),
                        segs.get(j).dataType());
            }
        }
        NetworkBinding binding = new NetworkBinding(
                transform,
                state,
                params,
                grads,
                first.schedule(),
                options.nonFinitePolicy(),
                headers,
                flats.toArray(INDArray[]::new),
                segs.toArray(INDArray[]::new),
                radius);
        if (written == 0) {
            binding.storeState(0, 0);
        } else {
            syncCounts(state, binding.stepCount());
        }
        for (int i = 0; i < updaters.size(); i++) {
            updaters.get(i).bind(binding, i == 0, blockGradients.get(i));
        }
        return binding;
    }

    private static Found shaped(String key, HyperpUpdater cfg, INDArray p, INDArray gradFlat, INDArray segment) {
        ParamRole role = cfg.role();
        long[] shape = p.shape();
        INDArray g = gradFlat.reshape(p.ordering(), shape);
        checkArgument(sameMemory(g, gradFlat), "%s: the gradient view cannot be reshaped without a copy", key);
        boolean matrix = p.rank() == 2 && (role.requiresMatrix() || Math.min(shape[0], shape[1]) > 1);
        if (matrix) {
            return new Found(key, cfg, specFor(key, shape, role), p, g, segment);
        }
        long n = p.length();
        INDArray pv = p.reshape(p.ordering(), new long[] {n});
        INDArray gv = g.reshape(p.ordering(), new long[] {n});
        checkArgument(
                sameMemory(pv, p) && sameMemory(gv, g), "%s: the parameter cannot be flattened without a copy", key);
        return new Found(key, cfg, specFor(key, shape, role), pv, gv, segment);
    }

    /**
     * The spec HyperP uses for a DL4J parameter of this shape and role: a rank-2 parameter that is
     * a matrix for its role ({@link ParamRole#requiresMatrix()}, or both dimensions above 1) is an
     * {@code [in, out]} matrix (DL4J computes {@code x W}); anything else is a vector of its length.
     *
     * @throws IllegalArgumentException if the role needs a matrix and the shape is not one
     */
    public static ParamSpec specFor(String key, long[] shape, ParamRole role) {
        boolean matrix = shape.length == 2 && (role.requiresMatrix() || Math.min(shape[0], shape[1]) > 1);
        if (matrix) {
            return ParamSpec.matrixInOut(key, shape[0], shape[1], role);
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return ParamSpec.vector(key, n, role);
    }

    private static void checkSameGlobals(HyperpUpdater a, HyperpUpdater b, String keyA, String keyB) {
        if (!a.schedule().equals(b.schedule()) || !sameOptions(a.options(), b.options())) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "parameters %s and %s carry different HyperP schedules or options (%s vs %s); attach HyperP once to the whole network",
                    keyA,
                    keyB,
                    a,
                    b));
        }
    }

    private static boolean sameOptions(OptimizerOptions a, OptimizerOptions b) {
        return a.muon().equals(b.muon())
                && a.adam().equals(b.adam())
                && a.muonShapeFactor() == b.muonShapeFactor()
                && Double.compare(a.clipNorm(), b.clipNorm()) == 0
                && a.nonFinitePolicy() == b.nonFinitePolicy();
    }

    /**
     * Whether two arrays start at the same memory address and have the same length.
     */
    static boolean sameMemory(INDArray a, INDArray b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.length() != b.length() || a.dataType() != b.dataType()) {
            return false;
        }
        long size = a.data().getElementSize();
        return a.data().address() + a.offset() * size == b.data().address() + b.offset() * size;
    }

    /** One optimizer step over every HyperP parameter (called by the leading block). */
    void step() {
        try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            long step = readCount(headers[0], 1);
            long skipped = readCount(headers[0], 3);
            for (int i = 0; i < bufferFlat.length; i++) {
                bufferFlat[i].assign(bufferSegment[i]);
            }
            double lr = schedule.lr(step);
            if (!(lr >= 0 && Double.isFinite(lr))) {
                throw new IllegalStateException(
                        String.format(Locale.ROOT, "learning rate (%s) at step %d must be finite and >= 0", lr, step));
            }
            for (int i = 0; i < grads.size(); i++) {
                INDArray g = grads.get(i).array();
                Nd4j.getExecutioner().exec(new SquaredNorm(g, scalars[i]));
                // A finite sum needs no second look; an infinite one may be float overflow of finite entries.
                if (!Double.isFinite(scalars[i].getDouble(0))
                        && (g.isNaN().any() || g.isInfinite().any())) {
                    if (policy == NonFinitePolicy.SKIP) {
                        storeCounters(step, skipped + 1);
                        return;
                    }
                    throw new IllegalStateException(String.format(
                            Locale.ROOT,
                            "gradient of %s holds NaN or infinite values at HyperP step %d; parameters and optimizer state are unchanged",
                            grads.get(i).name(),
                            step));
                }
            }
            for (int i = 0; i < grads.size(); i++) {
                updates.get(i).array().assign(grads.get(i).array());
            }
            syncCounts(state, step);
            transform.update(updates, state, params, lr);
            storeState(step + 1, skipped);
        }
    }

    /** Writes the transform's state and the counters into the updater view. */
    private void storeState(long step, long skipped) {
        for (int i = 0; i < bufferFlat.length; i++) {
            bufferSegment[i].assign(bufferFlat[i]);
        }
        storeCounters(step, skipped);
    }

    private void storeCounters(long step, long skipped) {
        long stepHi = step / HALF; // whole multiples of HALF: the truncation is the encoding
        long skippedHi = skipped / HALF;
        for (INDArray h : headers) {
            h.putScalar(0, 1.0);
            h.putScalar(1, (double) (step % HALF));
            h.putScalar(2, (double) stepHi);
            h.putScalar(3, (double) (skipped % HALF));
            h.putScalar(4, (double) skippedHi);
        }
    }

    /** Every header holds valid counts, and all hold the same ones. */
    private static void checkStoredHeaders(List<Found> found, INDArray[] headers) {
        long step = storedCount(headers[0], 1, found.get(0).key());
        long skipped = storedCount(headers[0], 3, found.get(0).key());
        for (int i = 1; i < headers.length; i++) {
            long s = storedCount(headers[i], 1, found.get(i).key());
            long k = storedCount(headers[i], 3, found.get(i).key());
            if (s != step || k != skipped) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT,
                        "%s: the updater state records step %d (skipped %d), %s records step %d (skipped %d); the state"
                                + " is inconsistent",
                        found.get(i).key(),
                        s,
                        k,
                        found.get(0).key(),
                        step,
                        skipped));
            }
        }
    }

    private static long storedCount(INDArray header, int at, String key) {
        try {
            return readCount(header, at);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /**
     * Brings the update count of every state of the tree to {@code step}: hyperp-optim's transforms
     * count their updates (Adam's bias correction reads the count), and every state of a tree
     * records each update once, so after {@code step} updates every count is {@code step}.
     *
     * @throws IllegalStateException if a count is already beyond {@code step} (the updater view was
     *                               replaced by an older state while bound)
     */
    private static void syncCounts(TransformState s, long step) {
        if (s.count() > step) {
            throw new IllegalStateException(String.format(
                    Locale.ROOT,
                    "the updater state records step %d but the optimizer has applied %d; call HyperpDl4j.bind(net) "
                            + "after replacing a network's updater state",
                    step,
                    s.count()));
        }
        while (s.count() < step) {
            s.recordUpdate();
        }
        for (TransformState c : s.children()) {
            syncCounts(c, step);
        }
    }

    private static long readCount(INDArray header, int at) {
        double lo = header.getDouble(at);
        double hi = header.getDouble(at + 1);
        if (!(lo >= 0
                && lo < HALF
                && hi >= 0
                && hi < HEADER_ENTRY_LIMIT
                && lo == Math.rint(lo)
                && hi == Math.rint(hi))) {
            throw new IllegalStateException(
                    String.format(Locale.ROOT, "the updater state header is corrupted (%s, %s)", lo, hi));
        }
        return ((long) hi) * HALF + (long) lo;
    }

    /** The number of applied HyperP steps, read from the updater state. */
    public long stepCount() {
        return readCount(headers[0], 1);
    }

    /** The number of steps skipped for non-finite gradients, read from the updater state. */
    public long skippedSteps() {
        return readCount(headers[0], 3);
    }

    /** The parameter specs, in the network's parameter order. */
    public List<ParamSpec> specs() {
        return params.specs();
    }

    /**
     * The stored sphere radius of a parameter, read from the updater state.
     *
     * @throws IllegalArgumentException if the parameter is not on a sphere
     */
    public double radius(String key) {
        INDArray r = radiusSegments.get(key);
        checkArgument(
                r != null,
                "%s is not a sphere parameter of this network (sphere parameters: %s)",
                key,
                radiusSegments.keySet());
        return r.getDouble(0);
    }

    /** The live parameter views HyperP updates, in order. */
    public ParamSet params() {
        return params;
    }

    @Override
    public String toString() {
        return "NetworkBinding"
                + Arrays.toString(params.specs().stream().map(ParamSpec::name).toArray());
    }

    /** A parameterization rule that answers with the treatments stored in the updater configs. */
    private record StoredRule(Map<String, ParamTreatment> treatments) implements ParameterizationRule {
        @Override
        public String name() {
            return "stored";
        }

        @Override
        public ParamTreatment treatment(ParamSpec spec) {
            ParamTreatment t = treatments.get(spec.name());
            checkArgument(t != null, "no stored treatment for %s", spec.name());
            return t;
        }

        @Override
        public double residualBranchMultiplier() {
            return 1.0;
        }

        @Override
        public double outputLogitMultiplier() {
            return 1.0;
        }
    }
}
