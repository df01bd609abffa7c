/** What agents did: their sessions through the gateway and the statements they ran. */
package io.vigil.review.sessions;
