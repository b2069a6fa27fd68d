/**
 * Parameter roles and per-tensor specs: {@link io.hyperp.core.param.ParamRole} says how a tensor is
 * initialized and optimized, {@link io.hyperp.core.param.ParamSpec} carries its name, shape, fan axes
 * and expert axis. Everything here is immutable and validated on construction; invalid specs throw
 * {@link java.lang.IllegalArgumentException} naming the tensor.
 */
package io.hyperp.core.param;
