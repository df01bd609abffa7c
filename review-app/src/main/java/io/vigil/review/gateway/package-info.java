/** The gateway, embedded in the web app and started and stopped with it. */
package io.vigil.review.gateway;
