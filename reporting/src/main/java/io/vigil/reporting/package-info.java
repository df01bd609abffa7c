/** Evidence reports for auditors, written as Excel and PDF files. */
package io.vigil.reporting;
