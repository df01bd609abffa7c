/** Agents (service accounts) and their Vigil-issued secrets. */
package io.vigil.review.agents;
