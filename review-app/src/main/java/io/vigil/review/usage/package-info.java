/**
 * What each agent actually does, next to what it may do: usage rolled up from the trail, the
 * privileges its upstream role holds on its target, and the dashboard that puts them together.
 */
package io.vigil.review.usage;
