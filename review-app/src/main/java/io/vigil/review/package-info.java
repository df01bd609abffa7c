/**
 * Vigil's web app, organised by feature: {@code sessions} (what agents ran), {@code security} (login
 * and roles), {@code gateway} (the embedded gateway), {@code demo} (the embedded demo). Views are
 * package-private; features talk through their public services.
 */
package io.vigil.review;
