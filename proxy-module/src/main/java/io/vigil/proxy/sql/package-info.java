/**
 * What a statement means: PostgreSQL's own parser (libpg_query, through the FFM API) behind size,
 * nesting and encoding gates, and a pure classifier over its parse trees.
 */
package io.vigil.proxy.sql;
