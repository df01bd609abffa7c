/**
 * The audit trail as the gateway sees it: events for sessions and statements, and the sink that
 * makes them durable in Vigil's store.
 */
package io.vigil.proxy.audit;
