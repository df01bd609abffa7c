/**
 * Workload identity: agents that prove who they are with an OIDC access token (a JWT) from a
 * trusted issuer instead of a Vigil-issued secret.
 */
package io.vigil.proxy.identity;
