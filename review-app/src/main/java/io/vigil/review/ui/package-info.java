/** The web app's frame: layout, navigation, theme. */
package io.vigil.review.ui;
