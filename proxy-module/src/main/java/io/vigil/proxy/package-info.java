/**
 * Vigil's PostgreSQL wire-protocol gateway: agents connect with their usual clients, prove who they
 * are, and every statement they run is recorded with that identity. Start it with {@link
 * io.vigil.proxy.Gateway}.
 */
package io.vigil.proxy;
