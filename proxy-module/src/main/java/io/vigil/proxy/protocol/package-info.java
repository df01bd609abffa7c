/**
 * The PostgreSQL v3 wire protocol: framing ({@link io.vigil.proxy.protocol.PgFrame}), and the
 * limits and errors shared by both directions. Messages are records in {@code frontend} and {@code
 * backend}; see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html">
 * Message Formats</a>.
 */
package io.vigil.proxy.protocol;
