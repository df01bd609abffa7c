/** Vigil's store as the web app uses it: migrated at startup, queried with jOOQ. */
package io.vigil.review.store;
