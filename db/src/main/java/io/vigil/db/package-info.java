/**
 * Vigil's own store: its schema (Flyway migrations), the jOOQ classes generated from it, and the
 * embedded PostgreSQL the demo and the tests run on.
 */
package io.vigil.db;
