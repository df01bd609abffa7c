/**
 * Who may log in: agents, their verifiers, and the target each one maps to, read from Vigil's
 * store. Upstream credentials are decrypted here and nowhere else.
 */
package io.vigil.proxy.directory;
