/** Messages a server sends (marked B in the protocol docs), one record each. */
package io.vigil.proxy.protocol.backend;
