package io.hyperp.core.linalg;

import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.util.HashMap;
import java.util.Map;

/**
 * Calls {@code openblas_get_config()} and {@code openblas_get_corename()} of an OpenBLAS that the
 * process has already loaded, through JNA. The only class that names JNA, so that {@link BlasLibrary}
 * loads without it.
 */
final class NativeOpenBlas {

    // dlopen flags of glibc: resolve lazily, and never load a library that is not loaded already.
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_NOLOAD = 0x4;

    private NativeOpenBlas() {}

    /**
     * The configuration string and core name of the OpenBLAS loaded from {@code path}.
     *
     * @throws UnsatisfiedLinkError if no library is loaded from {@code path} or it lacks the functions
     */
    static String[] configAndCore(String path) {
        Map<String, Object> options = new HashMap<>();
        options.put(Library.OPTION_OPEN_FLAGS, RTLD_LAZY | RTLD_NOLOAD);
        NativeLibrary library = NativeLibrary.getInstance(path, options);
        String config = library.getFunction("openblas_get_config").invokeString(new Object[0], false);
        String core = library.getFunction("openblas_get_corename").invokeString(new Object[0], false);
        return new String[] {config, core};
    }
}
