/**
 * The trail as JSON lines ({@link io.vigil.proxy.audit.export.TrailJson}): exports for auditors and
 * streams for a SIEM (a file, an HTTP webhook). Every line carries its record's hash and leaf, so
 * whatever receives them can check them with {@code vigil audit verify --export}.
 */
package io.vigil.proxy.audit.export;
