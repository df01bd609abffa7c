/** Guardrail policies: what each target's agents may run, as the gateway judges it. */
package io.vigil.review.policies;
