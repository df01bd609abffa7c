/** Decisions about what may pass the gateway: pure functions over parsed input, tested from tables. */
package io.vigil.proxy.policy;
