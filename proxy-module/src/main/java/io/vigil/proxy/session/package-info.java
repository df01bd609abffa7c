/** Per-connection state: who the agent is, and which statements are in flight. */
package io.vigil.proxy.session;
