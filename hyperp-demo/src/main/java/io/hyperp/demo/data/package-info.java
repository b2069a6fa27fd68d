/**
 * Training data for the examples: {@link io.hyperp.demo.data.ByteCorpus}, a byte-level text corpus
 * (by default Guava's Java sources, embedded in the jar by the build from Maven Central) with a held-out
 * validation split and seeded, deterministic batch sampling into caller-owned token buffers.
 *
 * <p>Nothing here downloads anything at run time. Corpus objects are immutable; samplers are mutable
 * and not thread-safe. Bad arguments throw {@link java.lang.IllegalArgumentException} naming the
 * argument, and leave buffers untouched.
 */
package io.hyperp.demo.data;
