/**
 * Non-API implementation of the DL4J adapter: the gradient updater DL4J calls, the binding of the
 * hyperp-optim transform to a network's live parameter, gradient and updater-state views, and access
 * to the two network types. Subject to change without notice.
 */
package io.hyperp.dl4j.internal;
