/** The people Vigil knows (who signed in, who an administrator entered, who is gone), as a page. */
package io.vigil.review.people;
