/**
 * Approvals: a statement policy sends for review waits in the agent's live session until a person
 * decides. The gateway files the request in Vigil's store, reads decisions from it, and says there
 * what became of each request; people decide in the web app.
 */
package io.vigil.proxy.approval;
