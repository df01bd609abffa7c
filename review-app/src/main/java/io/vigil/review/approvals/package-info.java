/**
 * Approvals: statements policy sends for review wait in the agent's session while approvers decide
 * here; owners see their own agents' requests.
 */
package io.vigil.review.approvals;
