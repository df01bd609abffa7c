/**
 * Who is using the web app and what they may do: OIDC login, the four roles, and the built-in
 * identity provider of the demo.
 */
package io.vigil.review.security;
