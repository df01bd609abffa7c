/**
 * Authentication: SCRAM-SHA-256 (RFC 5802, RFC 7677) as the server agents log in to and as the client
 * the gateway logs in upstream with, and the md5 password exchange some targets still use.
 */
package io.vigil.proxy.auth;
