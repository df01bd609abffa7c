/**
 * Evidence packs for auditors: what they need to re-perform an access review, as an Excel workbook
 * ({@link ExcelReport}, streaming, so a campaign of any size fits a small heap) and a PDF laid out
 * for reading and signing ({@link PdfReport}).
 *
 * <p>The writers take plain records ({@link EvidencePack}, and the items and decisions as
 * {@link Rows} a writer may walk more than once) and know nothing of Spring or the store: the web
 * app reads its store and feeds them.
 */
package io.vigil.reporting;
