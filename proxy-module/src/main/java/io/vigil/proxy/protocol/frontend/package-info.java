/** Messages a client sends (marked F in the protocol docs), one record each. */
package io.vigil.proxy.protocol.frontend;
