/**
 * Evidence for auditors: a campaign's pack (workbook, PDF, signed manifest) generated in the
 * background and kept in the store, downloaded as files or one zip; an agent's history across
 * campaigns. Only auditors and administrators read evidence, checked on every request.
 */
package io.vigil.review.evidence;
