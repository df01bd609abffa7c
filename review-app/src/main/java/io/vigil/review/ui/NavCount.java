package io.vigil.review.ui;

/**
 * A figure shown beside a page's name in the navigation (what waits for the person there), kept
 * current while they are signed in. Features provide them as beans.
 */
public interface NavCount {

    /** The page's route, as in the navigation. */
    String path();

    /** What waits there for the person signed in now; 0 shows nothing. */
    int count();
}
