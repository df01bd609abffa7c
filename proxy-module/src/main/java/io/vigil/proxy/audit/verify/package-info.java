/**
 * {@code vigil audit verify}: re-creates every record's hash from its content, chain by chain, then
 * each spool's Merkle tree, and checks it against the signed checkpoints with only the public key.
 * Reads the live store or a JSON-lines export; the checking itself ({@link
 * io.vigil.proxy.audit.verify.TrailVerifier}) is a pure function over the records.
 */
package io.vigil.proxy.audit.verify;
