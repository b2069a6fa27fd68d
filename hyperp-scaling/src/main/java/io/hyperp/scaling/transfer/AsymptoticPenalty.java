package io.hyperp.scaling.transfer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Transfer-quality metric 3, asymptotic penalty of a parameterization against a reference one: the difference
 * of their fitted irreducible losses \( E_{method} - E_{reference} \) (positive: the method saturates higher),
 * and the method's compute leverage over the reference at a given compute.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>References: Kalra and Barkeshli, arXiv 2605.21486; Ren et al., arXiv 2603.28743; SPEC section 7.
 *
 * @param method the parameterization assessed
 * @param reference the reference parameterization
 * @param deltaE E_method - E_reference
 * @param atCompute compute at which the leverage is read
 * @param leverage the method's compute leverage over the reference at {@code atCompute}
 */
public record AsymptoticPenalty(String method, String reference, double deltaE, double atCompute, double leverage) {

    /**
     * Returns the metric as an ordered map for {@link io.hyperp.scaling.io.Json}.
     *
     * @return keys method, reference, delta_e, at_compute, leverage
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("reference", reference);
        m.put("delta_e", deltaE);
        m.put("at_compute", atCompute);
        m.put("leverage", leverage);
        return m;
    }
}
