/**
 * The embedded demo ({@code vigil.demo=true}): one embedded PostgreSQL holding Vigil's store and a
 * seeded target database {@code shop}, demo agents with fresh secrets, and demo users for the
 * built-in identity provider. Its state lives in {@code vigil.data-dir}.
 */
package io.vigil.review.demo;
