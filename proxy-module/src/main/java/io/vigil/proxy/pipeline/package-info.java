/**
 * The Netty handlers, one per concern, and the order they run in (see {@link
 * io.vigil.proxy.pipeline.PipelineNames}).
 */
package io.vigil.proxy.pipeline;
