/**
 * Parameter initialization per {@link io.hyperp.core.rule.InitScheme}: {@link
 * io.hyperp.core.init.Initializer} returns new arrays, deterministic for a seed on every backend.
 */
package io.hyperp.core.init;
